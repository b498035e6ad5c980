//! # digindex-fuzz — mutation fuzzing of every input reader, on stable Rust
//!
//! Coverage-guided fuzzers (cargo-fuzz, AFL) need a nightly toolchain or a
//! separate driver; this crate is the part that runs everywhere, in CI:
//! a mutation fuzzer in the manner of libFuzzer's mutators, started from
//! seed corpora taken from the repository's own real files, with a
//! dictionary of the tokens each format is made of. Each [`Target`] feeds
//! mutated inputs to one reader and fails on a panic or a broken invariant:
//!
//! | target | reader | seeds | invariant beyond "no panic" |
//! | --- | --- | --- | --- |
//! | `spec` | `Spec::parse` (TOML recipes) | every shipped spec | — |
//! | `set` | `--set KEY=VALUE` on the ASEM spec | overrides used in tests | — |
//! | `csv` | the catalogue's importers (`import`) and `parse_number` | the head of every shipped data file, with its indicator's selector | a number read is finite or missing |
//! | `coinr` | COINr iData/iMeta through a whole build | the ASEM example | no stage holds an infinite value |
//! | `claim` | the claim parser | claims from the issues and `claims/` | a claim read, written canonically (within the length limit), reads again to the same words |
//! | `openalex` | the OpenAlex line reader, both validations | records of the openalex test data | a non-strict run never fails |
//!
//! Runs are deterministic for a seed: `digindex-fuzz TARGET --seed S`
//! repeats one exactly. A stack overflow aborts the process instead of
//! unwinding; the seed printed at the start reproduces it, and `--keep DIR`
//! writes each input before running it so that the last one is the
//! culprit. The bounded run in `tests/` is part of `cargo test`; see
//! docs/development.md for the long run.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// The fuzz targets, by name.
pub const TARGETS: [&str; 6] = ["spec", "set", "csv", "coinr", "claim", "openalex"];

/// An input that failed, with why.
#[derive(Debug, Clone)]
pub struct Failure {
    pub target: String,
    pub input: Vec<u8>,
    pub message: String,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub runs: u64,
    /// Inputs the reader accepted (the rest were refused with an error).
    pub accepted: u64,
    pub failures: Vec<Failure>,
}

/// How long a run goes on: a number of inputs, a time, or both (whichever
/// ends first).
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub runs: u64,
    pub until: Option<Instant>,
}

/// A seed input and, for targets with several readers, which one it is for.
#[derive(Debug, Clone)]
struct Seed {
    bytes: Vec<u8>,
    kind: usize,
}

/// Everything the targets need, loaded once from the repository.
pub struct Context {
    root: PathBuf,
    countries: &'static digindex_sources::countries::Countries,
    regions: digindex_sources::regions::Regions,
    vocabulary: digindex_claims::Vocabulary,
    codes: Vec<String>,
    /// (selector, file name) of every catalogue indicator with a CSV seed.
    selectors: Vec<(digindex_sources::import::Selector, PathBuf)>,
    asem_spec: String,
    /// A copy of the ASEM example to break.
    scratch: tempfile::TempDir,
}

/// A context error: what could not be read.
#[derive(Debug)]
pub struct ContextError(pub String);

impl std::fmt::Display for ContextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ContextError {}

fn read(path: &Path) -> Result<Vec<u8>, ContextError> {
    std::fs::read(path).map_err(|e| ContextError(format!("{}: {e}", path.display())))
}

/// Seed files are cut to their first lines: the readers' paths are all
/// taken within a few rows, and short inputs make many more runs.
const SEED_BYTES: usize = 6 * 1024;

fn head(bytes: &[u8]) -> Vec<u8> {
    if bytes.len() <= SEED_BYTES {
        return bytes.to_vec();
    }
    let cut = bytes[..SEED_BYTES].iter().rposition(|b| *b == b'\n').map_or(SEED_BYTES, |i| i + 1);
    bytes[..cut].to_vec()
}

impl Context {
    /// Loads the seeds' context from the repository at `root`.
    pub fn load(root: &Path) -> Result<Context, ContextError> {
        let countries = digindex_sources::countries::Countries::shipped();
        let regions =
            digindex_sources::regions::Regions::shipped(countries).map_err(|e| ContextError(e.to_string()))?;
        let vtext = String::from_utf8_lossy(&read(&root.join("claims/metrics.toml"))?).into_owned();
        let vocabulary = toml::from_str(&vtext).map_err(|e| ContextError(format!("claims/metrics.toml: {e}")))?;
        let catalog = digindex_sources::catalog::Catalog::read(&root.join("data/catalog.toml"), countries)
            .map_err(|e| ContextError(e.to_string()))?;
        let codes = catalog.indicators.iter().map(|i| i.code.clone()).collect();
        let mut selectors = Vec::new();
        for i in catalog.indicators.iter().filter(|i| !i.is_derived()) {
            let file = catalog.file_of(i);
            let csv = file.extension().is_some_and(|e| e == "csv");
            if csv && !selectors.iter().any(|(_, f)| *f == file) {
                selectors.push((i.selector(), file));
            }
        }
        let scratch = tempfile::tempdir().map_err(|e| ContextError(format!("a scratch folder: {e}")))?;
        for f in ["asem.toml", "ASEM_iData.csv", "ASEM_iMeta.csv"] {
            let from = root.join("examples/asem").join(f);
            std::fs::copy(&from, scratch.path().join(f))
                .map_err(|e| ContextError(format!("{}: {e}", from.display())))?;
        }
        let asem_spec = String::from_utf8_lossy(&read(&root.join("examples/asem/asem.toml"))?).into_owned();
        Ok(Context { root: root.to_path_buf(), countries, regions, vocabulary, codes, selectors, asem_spec, scratch })
    }

    fn seeds(&self, target: &str) -> Result<Vec<Seed>, ContextError> {
        let one = |bytes: Vec<u8>| Seed { bytes, kind: 0 };
        Ok(match target {
            "spec" => {
                // every recipe shipped: frameworks/*/index.toml, examples/*/*.toml
                let mut files = Vec::new();
                for dir in ["frameworks", "examples"] {
                    let list =
                        std::fs::read_dir(self.root.join(dir)).map_err(|e| ContextError(format!("{dir}: {e}")))?;
                    for folder in list.filter_map(Result::ok) {
                        let Ok(inner) = std::fs::read_dir(folder.path()) else { continue };
                        files.extend(
                            inner
                                .filter_map(Result::ok)
                                .map(|e| e.path())
                                .filter(|p| p.extension().is_some_and(|x| x == "toml")),
                        );
                    }
                }
                files.sort();
                files.iter().map(|f| read(f).map(one)).collect::<Result<_, _>>()?
            }
            "set" => SETS.iter().map(|s| one(s.as_bytes().to_vec())).collect(),
            "csv" => {
                let mut v = Vec::new();
                for (k, (_, file)) in self.selectors.iter().enumerate() {
                    v.push(Seed { bytes: head(&read(file)?), kind: k });
                }
                v
            }
            "coinr" => vec![
                Seed { bytes: read(&self.root.join("examples/asem/ASEM_iData.csv"))?, kind: 0 },
                Seed { bytes: read(&self.root.join("examples/asem/ASEM_iMeta.csv"))?, kind: 1 },
            ],
            "claim" => {
                let mut v: Vec<Seed> = CLAIMS.iter().map(|s| one(s.as_bytes().to_vec())).collect();
                let text = String::from_utf8_lossy(&read(&self.root.join("claims/tokyo-2025.toml"))?).into_owned();
                for l in text.lines().filter_map(|l| l.strip_prefix("text = ")) {
                    v.push(one(l.trim_matches('"').as_bytes().to_vec()));
                }
                v
            }
            "openalex" => {
                let mut v = Vec::new();
                for f in ["works_legacy_format.jsonl", "works_openalexR_fixture.jsonl", "works_full_api.jsonl"] {
                    let bytes = read(&self.root.join("crates/openalex/tests/data").join(f))?;
                    // whole records, a few of each shape
                    v.extend(bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).take(4).map(|l| one(l.to_vec())));
                }
                v
            }
            _ => return Err(ContextError(format!("no target {target:?}; targets: {}", TARGETS.join(", ")))),
        })
    }

    /// Runs one input; `Err` when an invariant breaks. `Ok(true)` when the
    /// reader accepted the input.
    fn run_one(&self, target: &str, kind: usize, input: &[u8]) -> Result<bool, String> {
        match target {
            "spec" => Ok(digindex_pipeline::Spec::parse(&String::from_utf8_lossy(input), &[]).is_ok()),
            "set" => {
                let set = String::from_utf8_lossy(input).into_owned();
                Ok(digindex_pipeline::Spec::parse(&self.asem_spec, &[set]).is_ok())
            }
            "csv" => self.csv(kind, input),
            "coinr" => self.coinr(kind, input),
            "claim" => self.claim(input),
            "openalex" => openalex(input),
            _ => Err(format!("no target {target:?}")),
        }
    }

    fn csv(&self, kind: usize, input: &[u8]) -> Result<bool, String> {
        let (sel, file) = &self.selectors[kind % self.selectors.len()];
        if let Ok(t) = digindex_input::table::Table::parse(file, input) {
            for row in &t.rows {
                for cell in &row.cells {
                    if let Some(v) = digindex_input::table::parse_number(cell) {
                        if v.is_infinite() {
                            return Err(format!("parse_number({cell:?}) = {v}"));
                        }
                    }
                }
            }
        }
        Ok(digindex_sources::import::import(file, input, sel, self.countries, None).is_ok())
    }

    fn coinr(&self, kind: usize, input: &[u8]) -> Result<bool, String> {
        let dir = self.scratch.path();
        let (broken, other) =
            if kind == 0 { ("ASEM_iData.csv", "ASEM_iMeta.csv") } else { ("ASEM_iMeta.csv", "ASEM_iData.csv") };
        std::fs::write(dir.join(broken), input).map_err(|e| format!("scratch: {e}"))?;
        let pristine = read(&self.root.join("examples/asem").join(other)).map_err(|e| e.0)?;
        std::fs::write(dir.join(other), pristine).map_err(|e| format!("scratch: {e}"))?;
        let spec_path = dir.join("asem.toml");
        // no uncertainty runs: the build alone
        let Ok(spec) = digindex_pipeline::Spec::parse(&self.asem_spec, &[]) else {
            return Err("the ASEM spec no longer parses".into());
        };
        let Ok((inputs, _)) = digindex_input::load(&spec, &spec_path) else { return Ok(false) };
        let Ok(build) = digindex_pipeline::build(&spec, &inputs) else { return Ok(false) };
        for (stage, ds) in build.named_stages() {
            for j in 0..ds.values.ncol() {
                if let Some(u) = ds.values.col(j).iter().position(|v| v.is_infinite()) {
                    return Err(format!("stage {stage:?}: {} of {} is infinite", ds.codes[j], ds.units[u]));
                }
            }
        }
        Ok(true)
    }

    fn claim(&self, input: &[u8]) -> Result<bool, String> {
        let lx = digindex_claims::phrase::Lexicon {
            vocabulary: &self.vocabulary,
            codes: &self.codes,
            regions: &self.regions,
            countries: self.countries,
        };
        let line = String::from_utf8_lossy(input);
        let Ok(claim) = digindex_claims::phrase::parse_line(&line, &lx) else { return Ok(false) };
        let canonical = digindex_claims::phrase::canonical(&claim, &lx);
        if canonical.chars().count() > digindex_claims::phrase::MAX_CLAIM_CHARS {
            // written out in full, a long claim may exceed what is read
            return Ok(true);
        }
        let again = digindex_claims::phrase::parse_line(&canonical, &lx)
            .map_err(|e| format!("the canonical form {canonical:?} of {line:?} does not read: {e}"))?;
        let twice = digindex_claims::phrase::canonical(&again, &lx);
        if twice != canonical {
            return Err(format!("{line:?} reads as {canonical:?}, which reads as {twice:?}"));
        }
        Ok(true)
    }
}

fn openalex(input: &[u8]) -> Result<bool, String> {
    use digindex_openalex::{Options, Validation, run_bytes};
    let mut accepted = false;
    for validation in [Validation::Full, Validation::OnDemand] {
        let opts = Options { validation, ..Default::default() };
        let t = run_bytes("fuzz.jsonl", input, &opts).map_err(|e| format!("a non-strict run failed: {e}"))?;
        accepted |= t.malformed == 0;
    }
    Ok(accepted)
}

/// `--set` overrides, as the tests and the README use them.
const SETS: &[&str] = &[
    "normalise.range=[1, 100]",
    "normalise.method=\"zscore\"",
    "normalise.mean_sd=[10, 2]",
    "aggregate.method=\"geometric\"",
    "aggregate.methods=[\"arithmetic\", \"geometric\", \"harmonic\"]",
    "aggregate.p=2",
    "aggregate.weights=\"w\"",
    "weights.w.Conn=2",
    "treat.max_points=3",
    "treat.lambda=0.5",
    "treat.enabled=false",
    "impute.method=\"median\"",
    "screen.min_coverage=0.5",
    "data.time=2018",
    "data.years=[2016, 2022]",
    "uncertainty.runs=100",
    "normalise.indicators.LPI.goalposts=[1, 5, 100]",
];

/// Claims in the words people use, from the issues and the README.
const CLAIMS: &[&str] = &[
    "IRN ranks 2 in ai_papers among middle_east in 2022",
    "Iran is 2nd in AI papers in the Middle East (2022)",
    "Iran ranks 2nd in the region for AI developers",
    "Iran ranks 4th for AI firms in West Asia",
    "Singapore is first in internet use among ASEAN countries in 2023",
    "Japan is in the top 3 for broadband per capita in Asia-Pacific (2020-2022)",
    "Iran ranks 2nd in the region in the number and quality of AI scientific papers (2023)",
    "Turkey ranks 1 in research_spending among oic in 2021",
    "index:tokyo-statement KOR ranks 1 among apt",
];

/// libFuzzer-style mutations, one to eight stacked.
fn mutate(rng: &mut ChaCha8Rng, data: &mut Vec<u8>, dict: &[&[u8]], other: &[u8]) {
    let below = |rng: &mut ChaCha8Rng, n: usize| if n == 0 { 0 } else { (rng.next_u64() % n as u64) as usize };
    for _ in 0..1 + below(rng, 8) {
        let len = data.len();
        match below(rng, 11) {
            0 if len > 0 => {
                let i = below(rng, len);
                data[i] ^= 1 << below(rng, 8);
            }
            1 if len > 0 => {
                let i = below(rng, len);
                data[i] = rng.next_u32() as u8;
            }
            2 => {
                let i = below(rng, len + 1);
                let b =
                    [b'"', b'[', b'{', b',', b'\n', b'\\', b'0', b'9', b'-', b'.', b'e', 0xC3, 0xFF][below(rng, 13)];
                data.insert(i, b);
            }
            3 if len > 0 => {
                let i = below(rng, len);
                let n = 1 + below(rng, (len - i).min(64));
                data.drain(i..i + n);
            }
            4 if len > 0 => {
                // a range repeated (deep nesting, long lines, many fields)
                let i = below(rng, len);
                let n = 1 + below(rng, (len - i).min(32));
                let piece = data[i..i + n].to_vec();
                let most = if below(rng, 16) == 0 { 2000 } else { 4 };
                let times = 1 + below(rng, most);
                for _ in 0..times {
                    data.splice(i..i, piece.iter().copied());
                }
            }
            5 | 6 if !dict.is_empty() => {
                let token = dict[below(rng, dict.len())];
                let i = below(rng, len + 1);
                if below(rng, 2) == 0 || i + token.len() > len {
                    data.splice(i..i, token.iter().copied());
                } else {
                    data.splice(i..i + token.len(), token.iter().copied());
                }
            }
            7 if !other.is_empty() => {
                // splice: the start of one input, the end of another
                let i = below(rng, len + 1);
                let j = below(rng, other.len());
                data.truncate(i);
                data.extend_from_slice(&other[j..]);
            }
            8 if len > 0 => data.truncate(below(rng, len)),
            9 => {
                // a number replaced by an extreme one
                if let Some(i) =
                    (0..len).map(|k| (k + below(rng, len.max(1))) % len.max(1)).find(|&k| data[k].is_ascii_digit())
                {
                    let end = (i..len).find(|&k| !data[k].is_ascii_digit() && data[k] != b'.').unwrap_or(len);
                    let n = NUMBERS[below(rng, NUMBERS.len())];
                    data.splice(i..end, n.iter().copied());
                }
            }
            _ if len > 1 => {
                let (a, b) = (below(rng, len), below(rng, len));
                data.swap(a, b);
            }
            _ => data.push(rng.next_u32() as u8),
        }
    }
    // inputs stay small enough to run many
    data.truncate(1 << 20);
}

const NUMBERS: &[&[u8]] = &[
    b"0",
    b"-1",
    b"1e308",
    b"-1e308",
    b"1e-400",
    b"1e400",
    b"NaN",
    b"inf",
    b"-0",
    b"4294967296",
    b"99999",
    b"1e103",
    b"0.5",
];

/// Tokens of each format.
fn dictionary(target: &str) -> &'static [&'static [u8]] {
    match target {
        "spec" | "set" => &[
            b"[",
            b"]",
            b"=",
            b"\"",
            b"\n[normalise]\n",
            b"\n[aggregate]\n",
            b"method",
            b"range = [",
            b"weights",
            b"[[uncertainty.input]]\n",
            b"alternatives = [{",
            b"}]",
            b"runs = ",
            b"lambda = ",
            b"p = ",
            b"true",
            b"false",
            b".",
            b"years = [",
            b"scale_factor = ",
            b"min_coverage = ",
            b"Index",
            b"parent",
        ],
        "csv" | "coinr" => &[
            b",",
            b"\"",
            b"\n",
            b"\r\n",
            b"NA",
            b"",
            b"\"\"",
            b",,",
            b"Indicator",
            b"Aggregate",
            b"Level",
            b"Parent",
            b"Index",
            b"Weight",
            b"Direction",
            b"-1",
            b"Time",
            b"iso3",
            b"year",
            b"value",
            b"..",
            b"\xEF\xBB\xBF",
        ],
        "claim" => &[
            b" ranks ",
            b" 2nd ",
            b" in ",
            b" among ",
            b" the region ",
            b" (2022)",
            b" (2019-2023)",
            b" top ",
            b" per capita",
            b" number and quality of ",
            b"index:",
            b" first ",
            b" 0 ",
            b" of ",
            b" for ",
            b"\"",
            b" Middle East",
            b" Asia-Pacific",
            b"IRN",
            b" AI papers",
            b" developers",
            b" firms",
        ],
        "openalex" => &[
            b"[",
            b"]",
            b"{",
            b"}",
            b"\"",
            b",",
            b":",
            b"null",
            b"\\u00e9",
            b"\\\"",
            b"\"authorships\":",
            b"\"countries\":[\"IR\"]",
            b"\"publication_year\":",
            b"\"id\":\"W1\"",
            b"\n",
            b"\"abstract_inverted_index\":",
        ],
        _ => &[],
    }
}

/// Fuzzes `target` within `budget`, deterministically for `seed`. With
/// `keep`, each input is written there (as `last`) before it runs.
pub fn fuzz(
    ctx: &Context,
    target: &str,
    budget: Budget,
    seed: u64,
    keep: Option<&Path>,
) -> Result<Report, ContextError> {
    let seeds = ctx.seeds(target)?;
    if seeds.is_empty() {
        return Err(ContextError(format!("{target}: no seed inputs found")));
    }
    let dict = dictionary(target);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut report = Report::default();
    // panics are the findings: reported here, not printed by the hook
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    // every seed as it is first, then mutations
    let mut k = 0usize;
    while report.runs < budget.runs && budget.until.is_none_or(|t| Instant::now() < t) {
        let s = &seeds[k % seeds.len()];
        let mut input = s.bytes.clone();
        if k >= seeds.len() {
            let other = &seeds[(rng.next_u64() % seeds.len() as u64) as usize].bytes;
            mutate(&mut rng, &mut input, dict, other);
        }
        if let Some(dir) = keep {
            let _ = std::fs::write(dir.join("last"), &input);
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| ctx.run_one(target, s.kind, &input)));
        let failed = match outcome {
            Ok(Ok(accepted)) => {
                report.accepted += u64::from(accepted);
                None
            }
            Ok(Err(broken)) => Some(broken),
            Err(panic) => Some(format!(
                "panic: {}",
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(message) = failed {
            if report.failures.len() < 20 {
                report.failures.push(Failure { target: target.to_string(), input, message });
            }
        }
        report.runs += 1;
        k += 1;
    }
    std::panic::set_hook(hook);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_change_inputs() {
        let run = |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut out = Vec::new();
            for _ in 0..50 {
                let mut d = b"{\"a\": [1, 2, 3], \"b\": \"text\"}".to_vec();
                mutate(&mut rng, &mut d, dictionary("openalex"), b"other,input\n");
                out.push(d);
            }
            out
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let base = b"{\"a\": [1, 2, 3], \"b\": \"text\"}".to_vec();
        assert!(run(7).iter().filter(|d| **d != base).count() > 40);
    }
}
