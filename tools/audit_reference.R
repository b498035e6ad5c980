# audit_reference.R — independent reference values for digindex's coherence
# audit (crate digindex-audit, module `coherence`) on COINr's ASEM example.
#
# What it mirrors (COINr 1.1.14, bluefoxr/COINr commit b968203), on the
# data sets COINr itself produced for its documented example build
# (`build_example_coin()`), vendored in examples/asem/reference/default/:
#
#   correlations.csv   get_corr(coin, dset = "Aggregated", Levels = c(l, l + 1),
#                               withparent = TRUE, pval = 0, cortype = ...)
#                      and get_corr(coin, dset = "Aggregated", Levels = c(l, l),
#                               grouplev = l + 1, pval = 0, cortype = ...)
#                      for l = 1 .. maxlev - 1, cortype "pearson" and
#                      "spearman": stats::cor(use = "pairwise.complete.obs");
#                      p-values as get_pvals(): stats::cor.test() defaults
#                      (two-sided; Spearman exact = NULL, i.e. AS 89 unless
#                      there are ties); sibling flags as
#                      get_corr_flags(cor_thresh = 0.9, thresh_type = "high")
#                      and (cor_thresh = -0.4, thresh_type = "low"), applied
#                      to every aggregate's children (strict > and <).
#   alpha.csv          get_cronbach(coin, dset = "Aggregated", iCodes = agg,
#                               Level = level(agg) - 1)
#                      = k^2 * mean(off-diagonal cov) / sum(cov), with
#                      stats::cov(use = "pairwise.complete.obs").
#   pca_variance.csv,  get_PCA(coin, dset = "Aggregated", Level = l,
#   pca_loadings.csv          by_groups = TRUE) for l = 1 .. maxlev - 1:
#                      per aggregate, stats::na.omit() then
#                      stats::prcomp(center = TRUE, scale = TRUE); variance
#                      shares sdev^2 / sum(sdev^2); loadings = $rotation as
#                      prcomp returns them (COINr applies no sign convention,
#                      so the sign of each component is arbitrary).
#   indicator_stats.csv get_stats(coin, dset = "Raw", nsignif = NULL) with
#                      COINr's skew() and kurt() (the e1071 type-2 formulas,
#                      restated below), thresholds t_skew = 2, t_kurt = 3.5,
#                      t_avail = 0.65.
#   availability.csv   get_data_avail(coin, dset = "Raw"): Dat_Avail of the
#                      Summary and the ByGroup shares of every aggregate.
#
# COINr itself is not installable here (no CRAN access), so every function
# above is restated in base R (packages base, stats, utils only), following
# COINr's source: the same calls to cor, cor.test, cov, na.omit and prcomp
# with the same arguments. Produced with R 4.2.2 (Debian r-base-core).
#
# The framework tree (levels and parents) comes from examples/asem/ASEM_iMeta.csv,
# rows of Type "Indicator" and "Aggregate" (COINr's $Meta$Lineage).
#
# Re-run from the repository root:
#     Rscript tools/audit_reference.R
# It rewrites examples/asem/reference/audit/*.csv (numbers as
# sprintf("%.17g"), missing = empty field). Deterministic.

options(warn = 1)

ref_dir <- file.path("examples", "asem", "reference", "default")
out_dir <- file.path("examples", "asem", "reference", "audit")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# ---- inputs ----------------------------------------------------------------

read_dset <- function(name) {
  d <- utils::read.csv(file.path(ref_dir, name), check.names = FALSE,
                       stringsAsFactors = FALSE, na.strings = "")
  stopifnot(names(d)[1] == "uCode")
  d
}
aggregated <- read_dset("aggregated.csv")
raw <- read_dset("raw.csv")

imeta <- utils::read.csv(file.path("examples", "asem", "ASEM_iMeta.csv"),
                         stringsAsFactors = FALSE, na.strings = "")
imeta <- imeta[imeta$Type %in% c("Indicator", "Aggregate"), ]
maxlev <- max(imeta$Level)
level_of <- stats::setNames(imeta$Level, imeta$iCode)
parent_of <- stats::setNames(imeta$Parent, imeta$iCode)
children_of <- function(code) imeta$iCode[!is.na(imeta$Parent) & imeta$Parent == code]
codes_at <- function(l) imeta$iCode[imeta$Level == l]
aggregates <- imeta$iCode[imeta$Level >= 2]

num <- function(x) ifelse(is.na(x), "", sprintf("%.17g", x))
write_out <- function(df, name) {
  utils::write.csv(df, file.path(out_dir, name), row.names = FALSE, quote = FALSE, na = "")
}

# ---- correlations (get_corr, get_pvals, get_corr_flags) --------------------

# cor.test p-value as get_pvals() takes it (NA if a column is all missing)
p_of <- function(x, y, method) {
  if (all(is.na(x)) || all(is.na(y))) return(NA_real_)
  suppressWarnings(stats::cor.test(x, y, method = method)$p.value)
}
has_ties <- function(x, y) {
  ok <- !is.na(x) & !is.na(y)
  anyDuplicated(x[ok]) > 0 || anyDuplicated(y[ok]) > 0
}

corr_rows <- list()
for (l in seq_len(maxlev - 1)) {
  lower <- codes_at(l)
  upper <- codes_at(l + 1)
  X1 <- aggregated[lower]
  X2 <- aggregated[upper]
  # get_corr(Levels = c(l, l + 1), withparent = TRUE): the full cor matrix,
  # then only the pairs that agree with the lineage
  cp <- stats::cor(X1, X2, use = "pairwise.complete.obs", method = "pearson")
  cs <- stats::cor(X1, X2, use = "pairwise.complete.obs", method = "spearman")
  for (code in lower) {
    par <- parent_of[[code]]
    x <- aggregated[[code]]
    y <- aggregated[[par]]
    corr_rows[[length(corr_rows) + 1]] <- data.frame(
      code = code, with = par, relation = "parent", level = l,
      n = sum(!is.na(x) & !is.na(y)),
      pearson = cp[code, par], pearson_p = p_of(x, y, "pearson"),
      spearman = cs[code, par], spearman_p = p_of(x, y, "spearman"),
      spearman_ties = has_ties(x, y), flag = "", stringsAsFactors = FALSE)
  }
  # get_corr(Levels = c(l, l), grouplev = l + 1): pairs within each group
  wp <- stats::cor(X1, use = "pairwise.complete.obs", method = "pearson")
  ws <- stats::cor(X1, use = "pairwise.complete.obs", method = "spearman")
  for (agg in upper) {
    ch <- children_of(agg)
    if (length(ch) < 2) next
    for (i in seq_len(length(ch) - 1)) {
      for (j in (i + 1):length(ch)) {
        a <- ch[i]
        b <- ch[j]
        x <- aggregated[[a]]
        y <- aggregated[[b]]
        r <- wp[a, b]
        corr_rows[[length(corr_rows) + 1]] <- data.frame(
          code = a, with = b, relation = "sibling", level = l,
          n = sum(!is.na(x) & !is.na(y)),
          pearson = r, pearson_p = p_of(x, y, "pearson"),
          spearman = ws[a, b], spearman_p = p_of(x, y, "spearman"),
          spearman_ties = has_ties(x, y),
          flag = if (is.na(r)) "" else if (r > 0.9) "high" else if (r < -0.4) "low" else "",
          stringsAsFactors = FALSE)
      }
    }
  }
}
corr <- do.call(rbind, corr_rows)
for (v in c("pearson", "pearson_p", "spearman", "spearman_p")) corr[[v]] <- num(corr[[v]])
write_out(corr, "correlations.csv")

# ---- Cronbach's alpha (get_cronbach) ---------------------------------------

cronbach <- function(X) {
  k <- ncol(X)
  cvtrix <- stats::cov(X, use = "pairwise.complete.obs")
  sigall <- sum(cvtrix, na.rm = TRUE)
  sigav <- (sigall - sum(diag(cvtrix), na.rm = TRUE)) / (k * (k - 1))
  (k^2 * sigav) / sigall
}
alpha <- do.call(rbind, lapply(aggregates, function(agg) {
  ch <- children_of(agg)
  data.frame(code = agg, level = level_of[[agg]], children = length(ch),
             alpha = num(cronbach(aggregated[ch])), stringsAsFactors = FALSE)
}))
write_out(alpha, "alpha.csv")

# ---- PCA (get_PCA, by_groups = TRUE) ----------------------------------------

pca_var <- list()
pca_load <- list()
for (agg in aggregates) {
  ch <- children_of(agg)
  dat <- aggregated[ch]
  if (sum(is.na(dat)) > 0) dat <- stats::na.omit(dat)
  res <- stats::prcomp(dat, center = TRUE, scale = TRUE)
  ev <- res$sdev^2
  pca_var[[agg]] <- data.frame(
    code = agg, level = level_of[[agg]], units_used = nrow(dat),
    component = seq_along(ev), eigenvalue = num(ev),
    variance_share = num(ev / sum(ev)), stringsAsFactors = FALSE)
  rot <- res$rotation
  pca_load[[agg]] <- do.call(rbind, lapply(seq_len(ncol(rot)), function(p) {
    data.frame(code = agg, level = level_of[[agg]], child = rownames(rot),
               component = p, loading = num(rot[, p]), stringsAsFactors = FALSE)
  }))
}
write_out(do.call(rbind, pca_var), "pca_variance.csv")
write_out(do.call(rbind, pca_load), "pca_loadings.csv")

# ---- descriptive statistics (get_stats, skew, kurt) ------------------------

# COINr's skew() and kurt() (from e1071::skewness / kurtosis, type 2)
coinr_skew <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x)
  if (n < 3) return(NA_real_)
  x <- x - mean(x)
  y <- sqrt(n) * sum(x^3) / (sum(x^2)^(3 / 2))
  y * sqrt(n * (n - 1)) / (n - 2)
}
coinr_kurt <- function(x) {
  x <- x[!is.na(x)]
  n <- length(x)
  if (n < 4) return(NA_real_)
  x <- x - mean(x)
  r <- n * sum(x^4) / (sum(x^2)^2)
  ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
}
ind <- codes_at(1)
n_units <- nrow(raw)
stats_tab <- do.call(rbind, lapply(ind, function(code) {
  xi <- raw[[code]]
  n_avail <- sum(!is.na(xi))
  prc_avail <- n_avail / n_units
  sk <- coinr_skew(xi)
  kt <- coinr_kurt(xi)
  data.frame(
    iCode = code,
    Min = num(min(xi, na.rm = TRUE)), Max = num(max(xi, na.rm = TRUE)),
    Mean = num(mean(xi, na.rm = TRUE)), Median = num(stats::median(xi, na.rm = TRUE)),
    Std = num(stats::sd(xi, na.rm = TRUE)), Skew = num(sk), Kurt = num(kt),
    N.Avail = n_avail, N.NonZero = sum(xi != 0, na.rm = TRUE),
    Frc.Avail = num(prc_avail),
    Flag.Avail = ifelse(prc_avail >= 0.65, "ok", "LOW"),
    Flag.SkewKurt = ifelse((abs(sk) > 2) & (kt > 3.5), "OUT", "ok"),
    stringsAsFactors = FALSE)
}))
write_out(stats_tab, "indicator_stats.csv")

# ---- data availability (get_data_avail) -------------------------------------

# indicators under an aggregate (the Lineage column of its level)
indicators_under <- function(agg) {
  out <- character(0)
  stack <- agg
  while (length(stack) > 0) {
    top <- stack[1]
    stack <- stack[-1]
    if (level_of[[top]] == 1) out <- c(out, top) else stack <- c(stack, children_of(top))
  }
  ind[ind %in% out]
}
frc_avail <- function(X) 1 - rowMeans(is.na(X))
avail <- data.frame(uCode = raw$uCode, Dat_Avail = num(frc_avail(raw[ind])),
                    stringsAsFactors = FALSE)
for (agg in aggregates) avail[[agg]] <- num(frc_avail(raw[indicators_under(agg)]))
write_out(avail, "availability.csv")

cat(sprintf("wrote %d correlations, %d alphas, %d PCAs, %d indicator stats, %d units' availability to %s\n",
            nrow(corr), nrow(alpha), length(pca_var), nrow(stats_tab), nrow(avail), out_dir))
