# coinr_panel_reference.R — COINr's own outputs of its panel ("purse")
# example build, per year and per stage, for digindex's panel parity tests.
#
# Produced with REAL COINr (not a restatement): COINr 1.1.14, bluefoxr/COINr
# tag v1.1.14 = commit 338b21ce72791cf75e17a900008952783762eb5c
# (2024-05-21, "small updates"; DESCRIPTION Version 1.1.14), installed from
# source with `R CMD INSTALL --library=/tmp/rlib`, under R 4.2.2 (Debian
# r-base-core 4.2.2), with COINr's Imports from Debian: r-cran-openxlsx
# 4.2.5.2, r-cran-rlang 1.0.6, r-cran-ggplot2 3.4.1, r-cran-readxl 1.4.2 (and
# their Debian dependencies). See examples/asem/reference/panel/README.md.
#
# What it mirrors: COINr's build_example_purse() (R/examples.R), i.e.
#
#   purse <- new_coin(ASEM_iData_p, ASEM_iMeta,
#                     level_names = c("Indicator", "Pillar", "Sub-index", "Index"),
#                     split_to = "all")                      # one coin per Time
#   purse <- Screen(purse, dset = "Raw", dat_thresh = 0.9, unit_screen = "byNA")
#   purse <- Treat(purse, dset = "Screened")                  # per year, defaults
#   purse <- Normalise(purse, dset = "Treated", global = TRUE) # min-max 0-100 over all years at once
#   purse <- Aggregate(purse, dset = "Normalised")            # per year, a_amean
#
# There is no Denominate and no Impute step in the panel example (unlike
# build_example_coin()), so missing values survive to the last stage.
#
# The panel data are read from the repository's examples/asem/ASEM_iData_p.csv
# and ASEM_iMeta.csv; read.csv makes whole-number columns integer, so those
# are turned back to double, and the script then stops unless both tables are
# identical() to COINr's built-in COINr::ASEM_iData_p / COINr::ASEM_iMeta (if
# they were not, it would report the difference and use the built-in data,
# as build_example_purse() does). The chain above is run with COINr's own
# functions on that data, and the result is checked identical() to the purse
# returned by COINr's build_example_purse() itself.
#
# The writer is checked too: before writing, the script rebuilds COINr's
# single-year example (build_example_coin()) in memory, formats it with the
# same writer and compares it byte for byte with examples/asem/reference/default/.
#
# Output: examples/asem/reference/panel/<year>/ for each year 2018..2022:
#   raw.csv, screened.csv, treated.csv, normalised.csv, aggregated.csv
#     (coin$Data$<dset>: uCode + indicators [+ aggregates], COINr's row order)
#   ranks.csv          rank_df(coin$Data$Aggregated) (within the year)
#   treat_details.csv  coin$Analysis$Treated$Dets_Table
#   treated_points.csv uCode + coin$Analysis$Treated$Treated_Points
#   screen_summary.csv coin$Analysis$Screened$DataSummary
# Format as in reference/default/: header unquoted, character fields
# double-quoted, numbers unquoted with 15 significant digits if that reads back
# to the identical double, else 17; missing = empty field; LF line ends.
#
# Re-run from the repository root (COINr in /tmp/rlib, or set COINR_LIB):
#     Rscript tools/coinr_panel_reference.R
# Deterministic: re-running gives byte-identical files.

options(warn = 1, stringsAsFactors = FALSE)

lib <- Sys.getenv("COINR_LIB", "/tmp/rlib")
suppressPackageStartupMessages(library(COINr, lib.loc = lib))
stopifnot(as.character(utils::packageVersion("COINr", lib.loc = lib)) == "1.1.14")

asem_dir <- file.path("examples", "asem")
ref_default <- file.path(asem_dir, "reference", "default")
out_root <- file.path(asem_dir, "reference", "panel")
if (!file.exists(file.path(asem_dir, "ASEM_iData_p.csv"))) {
  stop("run from the repository root: Rscript tools/coinr_panel_reference.R")
}

# ---- writer (the format of reference/default/) ------------------------------

fmt_num <- function(x) {
  out <- rep(NA_character_, length(x))
  ok <- !is.na(x)
  s15 <- sprintf("%.15g", x[ok])
  s17 <- sprintf("%.17g", x[ok])
  out[ok] <- ifelse(as.numeric(s15) == x[ok], s15, s17)
  out
}

# the file's text: header unquoted; character columns quoted; numbers via
# fmt_num; logicals TRUE/FALSE; NA as empty field
csv_text <- function(df) {
  df <- as.data.frame(df)
  rownames(df) <- NULL
  isnum <- vapply(df, is.numeric, logical(1))
  ischr <- vapply(df, function(v) is.character(v) || is.factor(v), logical(1))
  for (nm in names(df)[isnum]) df[[nm]] <- fmt_num(df[[nm]])
  tc <- textConnection("body", open = "w", local = TRUE)
  utils::write.table(df, tc, sep = ",", row.names = FALSE, col.names = FALSE,
                     quote = which(ischr), na = "", qmethod = "double", eol = "\n")
  close(tc)
  paste0(paste(c(paste(names(df), collapse = ","), body), collapse = "\n"), "\n")
}

write_csv_text <- function(text, path) {
  con <- file(path, open = "wb")
  on.exit(close(con))
  writeBin(charToRaw(enc2utf8(text)), con)
}

read_text <- function(path) {
  rawToChar(readBin(path, "raw", file.info(path)$size))
}

# Treated_Points has no uCode column; its rows are those of the treated dset
treated_points <- function(coin, dset) {
  tp <- coin$Analysis$Treated$Treated_Points
  ucodes <- coin$Data[[dset]]$uCode
  stopifnot(nrow(tp) == length(ucodes))
  data.frame(uCode = ucodes, tp, check.names = FALSE)
}

# ---- self-check of the writer on the single-year example --------------------

coin1 <- build_example_coin(quietly = TRUE)
default_files <- c(
  stats::setNames(lapply(names(coin1$Data), function(d) coin1$Data[[d]]),
                  paste0(tolower(names(coin1$Data)), ".csv")),
  list(ranks.csv = rank_df(coin1$Data$Aggregated),
       treat_details.csv = coin1$Analysis$Treated$Dets_Table,
       treated_points.csv = treated_points(coin1, "Screened")))
for (f in names(default_files)) {
  if (!identical(csv_text(default_files[[f]]), read_text(file.path(ref_default, f)))) {
    stop("writer check failed: ", f, " differs from ", ref_default)
  }
}
cat(sprintf("writer check: %d files of reference/default/ reproduced byte for byte\n",
            length(default_files)))

# ---- data: repository CSVs vs COINr's built-in panel data --------------------

read_asem <- function(name) {
  d <- utils::read.csv(file.path(asem_dir, name), check.names = FALSE,
                       stringsAsFactors = FALSE, na.strings = "")
  for (nm in names(d)) if (is.integer(d[[nm]])) d[[nm]] <- as.double(d[[nm]])
  d
}
iData_p <- read_asem("ASEM_iData_p.csv")
iMeta <- read_asem("ASEM_iMeta.csv")

same_data <- identical(iData_p, COINr::ASEM_iData_p) && identical(iMeta, COINr::ASEM_iMeta)
if (same_data) {
  cat("data: repository ASEM_iData_p.csv and ASEM_iMeta.csv are identical() to COINr's built-in data\n")
} else {
  warning("repository CSVs differ from COINr's built-in data; using the built-in data:\n",
          paste(c(all.equal(iData_p, COINr::ASEM_iData_p), all.equal(iMeta, COINr::ASEM_iMeta)),
                collapse = "\n"))
  iData_p <- COINr::ASEM_iData_p
  iMeta <- COINr::ASEM_iMeta
}

# ---- the build ---------------------------------------------------------------

purse <- suppressMessages({
  p <- new_coin(iData_p, iMeta, level_names = c("Indicator", "Pillar", "Sub-index", "Index"),
                split_to = "all")
  p <- Screen(p, dset = "Raw", dat_thresh = 0.9, unit_screen = "byNA")
  p <- Treat(p, dset = "Screened")
  p <- Normalise(p, dset = "Treated", global = TRUE)
  Aggregate(p, dset = "Normalised")
})

purse_coinr <- build_example_purse(quietly = TRUE)
stopifnot(identical(purse, purse_coinr))
cat("build: identical() to COINr's build_example_purse()\n")

# ---- write -------------------------------------------------------------------

n_written <- 0L
for (i in seq_len(nrow(purse))) {
  coin <- purse$coin[[i]]
  year <- coin$Meta$Unit$Time[[1]]
  stopifnot(identical(year, purse$Time[[i]]))
  dir <- file.path(out_root, format(year))
  dir.create(dir, showWarnings = FALSE, recursive = TRUE)
  files <- c(
    stats::setNames(lapply(names(coin$Data), function(d) coin$Data[[d]]),
                    paste0(tolower(names(coin$Data)), ".csv")),
    list(ranks.csv = rank_df(coin$Data$Aggregated),
         treat_details.csv = coin$Analysis$Treated$Dets_Table,
         treated_points.csv = treated_points(coin, "Screened"),
         screen_summary.csv = coin$Analysis$Screened$DataSummary))
  for (f in names(files)) write_csv_text(csv_text(files[[f]]), file.path(dir, f))
  n_written <- n_written + length(files)
  cat(sprintf("%s: %d files (%s); %d of %d units kept, removed by screening: %s\n",
              format(year), length(files), paste(names(files), collapse = " "),
              nrow(coin$Data$Screened), nrow(coin$Data$Raw),
              paste(coin$Analysis$Screened$RemovedUnits, collapse = " ")))
}
cat(sprintf("wrote %d files under %s\n", n_written, out_root))
