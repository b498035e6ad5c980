//! Which works count: years, document types, retracted and paratext
//! works, and the AI rules (subfields, concepts, keywords).

use crate::abstracts::abstract_text;
use crate::record::{Topic, Work, short_id};
use crate::text::{fold, has_words};

/// One way of recognising an AI work; several combine with OR.
#[derive(Debug, Clone, PartialEq)]
pub enum AiRule {
    /// The primary topic's subfield is one of these (e.g. 1702).
    PrimarySubfield(Vec<u32>),
    /// Any topic's subfield is one of these.
    AnySubfield(Vec<u32>),
    /// A legacy concept (e.g. C154945302) with at least this score.
    Concept(String, f64),
    /// The title or the abstract has one of these words or phrases
    /// (whole words, case-insensitive, a trailing `*` for any ending; the
    /// abstract rebuilt from its inverted index). The keywords are folded
    /// (NFKC, lower case, single spaces), as [`AiRule::parse`] makes them.
    Keywords(Vec<String>),
    /// The title has one of these words or phrases (as [`AiRule::Keywords`]).
    TitleKeywords(Vec<String>),
}

impl AiRule {
    /// Parses `primary-subfield:1702`, `subfield:1702,1707`,
    /// `concept:C154945302:0.3`, `keywords:deep learning,neural network`
    /// (title or abstract), `title-keywords:deep learning` (title only).
    pub fn parse(s: &str) -> Result<AiRule, String> {
        let (kind, rest) = s.split_once(':').ok_or_else(|| format!("--ai {s:?}: expected KIND:VALUE"))?;
        let nums = |r: &str| -> Result<Vec<u32>, String> {
            r.split(',')
                .map(|x| x.trim().parse().map_err(|_| format!("--ai {s:?}: {x:?} is not a subfield id")))
                .collect()
        };
        match kind {
            "primary-subfield" => Ok(AiRule::PrimarySubfield(nums(rest)?)),
            "subfield" => Ok(AiRule::AnySubfield(nums(rest)?)),
            "concept" => {
                let (id, score) = match rest.split_once(':') {
                    Some((id, sc)) => (id, sc.parse().map_err(|_| format!("--ai {s:?}: bad score {sc:?}"))?),
                    None => (rest, 0.0),
                };
                Ok(AiRule::Concept(short_id(id).to_string(), score))
            }
            "keywords" | "title-keywords" => {
                let words: Vec<String> = rest.split(',').map(fold).filter(|k| !k.is_empty()).collect();
                if words.is_empty() {
                    return Err(format!("--ai {s:?}: no keywords after `{kind}:`"));
                }
                if let Some(w) = words.iter().find(|w| {
                    let stem = w.strip_suffix('*').unwrap_or(w);
                    stem.is_empty() || stem.contains('*')
                }) {
                    return Err(format!("--ai {s:?}: {w:?}: `*` may only end a keyword (any ending)"));
                }
                Ok(if kind == "keywords" { AiRule::Keywords(words) } else { AiRule::TitleKeywords(words) })
            }
            _ => Err(format!(
                "--ai {s:?}: unknown kind {kind:?}; use primary-subfield:, subfield:, concept:, keywords: or title-keywords:"
            )),
        }
    }

    /// `text`: the work's lower-case title and abstract (given when there
    /// are keyword rules).
    fn matches(&self, w: &Work<'_>, text: Option<&(String, String)>) -> bool {
        let sub_id =
            |t: &Topic<'_>| -> Option<u32> { t.subfield.as_ref()?.id.as_deref()?.rsplit('/').next()?.parse().ok() };
        match self {
            AiRule::PrimarySubfield(ids) => w.primary_topic.as_ref().and_then(sub_id).is_some_and(|s| ids.contains(&s)),
            AiRule::AnySubfield(ids) => {
                w.topics.iter().flatten().filter_map(sub_id).any(|s| ids.contains(&s))
                    || w.primary_topic.as_ref().and_then(sub_id).is_some_and(|s| ids.contains(&s))
            }
            AiRule::Concept(id, min) => {
                w.concepts.iter().flatten().any(|c| {
                    c.id.as_deref().is_some_and(|i| i.ends_with(id.as_str())) && c.score.unwrap_or(0.0) >= *min
                })
            }
            AiRule::Keywords(words) | AiRule::TitleKeywords(words) => {
                let Some((title, abs)) = text else { return false };
                words.iter().any(|k| has_words(title, k) || (matches!(self, AiRule::Keywords(_)) && has_words(abs, k)))
            }
        }
    }
}

/// The document type `--types` adds to OpenAlex's own: a paper in
/// conference proceedings. OpenAlex types these `article`; they are told
/// apart by the primary location's source type (`conference`) or the
/// Crossref type (`proceedings-article`).
pub const CONFERENCE_PAPER: &str = "conference-paper";

/// OpenAlex work types (`type`), for checking `--types`.
pub const WORK_TYPES: &[&str] = &[
    "article",
    "book",
    "book-chapter",
    "dataset",
    "dissertation",
    "editorial",
    "erratum",
    "grant",
    "letter",
    "libguides",
    "other",
    "paratext",
    "peer-review",
    "preprint",
    "reference-entry",
    "report",
    "retraction",
    "review",
    "standard",
    "supplementary-materials",
];

impl Work<'_> {
    /// The work is of this document type: its OpenAlex `type`, or
    /// [`CONFERENCE_PAPER`].
    fn is_type(&self, t: &str) -> bool {
        if t == CONFERENCE_PAPER {
            let source = self.primary_location.as_ref().and_then(|l| l.source.as_ref()).and_then(|s| s.kind.as_deref());
            source == Some("conference") || self.type_crossref.as_deref() == Some("proceedings-article")
        } else {
            self.kind.as_deref() == Some(t)
        }
    }
}

/// Which works count.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub years: Option<(i32, i32)>,
    /// Document types to keep (empty = all): OpenAlex `type` values
    /// ([`WORK_TYPES`]) and [`CONFERENCE_PAPER`].
    pub types: Vec<String>,
    pub include_retracted: bool,
    pub include_paratext: bool,
    /// AI rules (empty = every work).
    pub ai: Vec<AiRule>,
}

/// The optional fields a run reads, worked out once from its [`Filter`].
#[derive(Clone, Copy)]
pub(crate) struct Reads {
    /// The title (`keywords:` and `title-keywords:` rules).
    pub(crate) title: bool,
    /// The primary topic (`primary-subfield:` and `subfield:`).
    pub(crate) primary_topic: bool,
    /// All topics (`subfield:`).
    pub(crate) topics: bool,
    /// Concepts (`concept:`).
    pub(crate) concepts: bool,
    /// The abstract (`keywords:` rules).
    pub(crate) abstracts: bool,
    /// The primary source's type and the Crossref type (`conference-paper`).
    pub(crate) venues: bool,
}

impl Filter {
    pub(crate) fn reads(&self) -> Reads {
        let any = |f: fn(&AiRule) -> bool| self.ai.iter().any(f);
        Reads {
            title: any(|r| matches!(r, AiRule::Keywords(_) | AiRule::TitleKeywords(_))),
            primary_topic: any(|r| matches!(r, AiRule::PrimarySubfield(_) | AiRule::AnySubfield(_))),
            topics: any(|r| matches!(r, AiRule::AnySubfield(_))),
            concepts: any(|r| matches!(r, AiRule::Concept(..))),
            abstracts: any(|r| matches!(r, AiRule::Keywords(_))),
            venues: self.types.iter().any(|t| t == CONFERENCE_PAPER),
        }
    }

    /// The AI rules hold (or there are none). With `keywords:` rules every
    /// work's abstract is decoded, whatever the other rules say, so an
    /// abstract that cannot be read is an error (a malformed line) the same
    /// way for every set and order of rules.
    /// `reads`: [`Filter::reads`], worked out once per run.
    pub(crate) fn is_ai(&self, w: &Work<'_>, reads: Reads) -> Result<bool, String> {
        if self.ai.is_empty() {
            return Ok(true);
        }
        let text = if reads.title {
            let title = fold(w.title.as_deref().unwrap_or_default());
            let abs = if reads.abstracts { abstract_text(w.abstract_raw.as_ref())? } else { String::new() };
            Some((title, abs))
        } else {
            None
        };
        Ok(self.ai.iter().any(|r| r.matches(w, text.as_ref())))
    }

    /// The work's year when it counts, AI rules aside ([`Filter::is_ai`]).
    pub(crate) fn keeps(&self, w: &Work<'_>) -> Option<i32> {
        let y = w.publication_year?;
        if self.years.is_some_and(|(a, b)| y < a || y > b) {
            return None;
        }
        if !self.types.is_empty() && !self.types.iter().any(|t| w.is_type(t)) {
            return None;
        }
        if !self.include_retracted && w.is_retracted == Some(true) {
            return None;
        }
        if !self.include_paratext && (w.is_paratext == Some(true) || w.kind.as_deref() == Some("paratext")) {
            return None;
        }
        Some(y)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, Validation, run_bytes};

    use super::*;

    #[test]
    fn ai_rules_parse() {
        assert_eq!(AiRule::parse("primary-subfield:1702"), Ok(AiRule::PrimarySubfield(vec![1702])));
        assert_eq!(AiRule::parse("concept:C154945302:0.3"), Ok(AiRule::Concept("C154945302".into(), 0.3)));
        assert!(AiRule::parse("topic:1702").unwrap_err().contains("unknown kind"));
    }

    #[test]
    fn keywords_in_titles_and_rebuilt_abstracts() {
        let work = |id: u32, title: &str, abs: &str| {
            format!(
                r#"{{"id":"W{id}","publication_year":2020,"title":{},"abstract_inverted_index":{abs},"authorships":[{{"countries":["IR"]}}]}}"#,
                serde_json::to_string(title).expect("json")
            )
        };
        let lines = [
            // 1: in the title
            work(1, "Deep Learning for X", "null"),
            // 2: in the abstract, words given out of order, punctuation kept
            work(2, "Nothing", r#"{"learning,":[1],"Deep":[0],"is":[2,4],"here":[3]}"#),
            // 3: both words, but not next to each other
            work(3, "Nothing", r#"{"deep":[0],"and":[1],"learning":[2]}"#),
            // 4: an escaped word (\u00e9 = é) at a later position
            work(4, "Nothing", r#"{"r\u00e9seau":[7],"deep":[5],"learning":[6]}"#),
            // 5: no abstract at all
            r#"{"id":"W5","publication_year":2020,"title":"Nothing","authorships":[{"countries":["IR"]}]}"#.to_string(),
            // 6: words sharing a position are all kept; white space in a title squashed
            work(6, "Deep\u{a0}\n Nets", r#"{"deep":[0],"learning":[1],"machine":[1]}"#),
        ];
        let data = lines.join("\n");
        let kept = |rule: &str, validation| {
            let opts = Options {
                filter: Filter { ai: vec![AiRule::parse(rule).expect("rule")], ..Default::default() },
                validation,
                ..Default::default()
            };
            let t = run_bytes("kw.jsonl", data.as_bytes(), &opts).expect("runs");
            assert_eq!(t.malformed, 0, "{:?}", t.malformed_examples);
            t.works_kept
        };
        for v in [Validation::Full, Validation::OnDemand] {
            assert_eq!(kept("keywords:deep learning", v), 4, "{v:?}"); // W1, W2, W4, W6
            assert_eq!(kept("keywords:deep machine", v), 0, "{v:?}");
            assert_eq!(kept("title-keywords:deep nets", v), 1, "{v:?}");
            assert_eq!(kept("title-keywords:deep learning", v), 1, "{v:?}");
            assert_eq!(kept("keywords:réseau deep", v), 0, "{v:?}"); // position 7 comes after 5 and 6
            assert_eq!(kept("keywords:learning réseau", v), 1, "{v:?}");
            assert_eq!(kept("keywords:nothing", v), 4, "{v:?}");
            // whole words: `learn` is not in `learning`, `learn*` is; `deep l` is not a phrase here
            assert_eq!(kept("keywords:learn", v), 0, "{v:?}");
            assert_eq!(kept("keywords:learn*", v), 5, "{v:?}"); // W1's title, W2, W3, W4, W6
            assert_eq!(kept("title-keywords:learn*", v), 1, "{v:?}");
            assert_eq!(kept("keywords:deep l", v), 0, "{v:?}");
            assert_eq!(kept("keywords:deep l*", v), 4, "{v:?}");
            assert_eq!(kept("keywords:rés*", v), 1, "{v:?}");
        }
        assert!(AiRule::parse("keywords: , ").is_err());
        for bad in ["keywords:*", "keywords:a*b", "keywords:**", "keywords:ai**"] {
            assert!(AiRule::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            AiRule::parse("keywords: Deep \t Learning ").expect("rule"),
            AiRule::Keywords(vec!["deep learning".into()])
        );
        // an abstract of the wrong shape is a malformed line, but only when a keyword rule reads it
        let bad = work(6, "Nothing", r#"{"deep":["zero"]}"#);
        for v in [Validation::Full, Validation::OnDemand] {
            let opts = |ai: Vec<AiRule>| Options {
                filter: Filter { ai, ..Default::default() },
                validation: v,
                ..Default::default()
            };
            let t = run_bytes("bad.jsonl", bad.as_bytes(), &opts(vec![AiRule::Keywords(vec!["deep".into()])]))
                .expect("runs");
            assert_eq!((t.malformed, t.works_kept), (1, 0), "{v:?}");
            assert!(t.malformed_examples[0].contains("abstract_inverted_index"), "{:?}", t.malformed_examples);
            // the same whichever rule matches first or in which order they come
            let subfield = AiRule::PrimarySubfield(vec![1702]);
            let kw = AiRule::Keywords(vec!["nothing".into()]);
            let on_topic = bad.replacen(
                r#""title""#,
                r#""primary_topic":{"subfield":{"id":"https://openalex.org/subfields/1702"}},"title""#,
                1,
            );
            for rules in [vec![subfield.clone(), kw.clone()], vec![kw.clone(), subfield]] {
                let t = run_bytes("bad.jsonl", on_topic.as_bytes(), &opts(rules)).expect("runs");
                assert_eq!((t.malformed, t.works_kept), (1, 0), "{v:?}");
            }
            // a repeated abstract is malformed in both modes
            let twice = work(7, "Nothing", r#"{"ai":[0]},"abstract_inverted_index":null"#);
            let t = run_bytes("twice.jsonl", twice.as_bytes(), &opts(vec![kw.clone()])).expect("runs");
            assert_eq!((t.malformed, t.works_kept), (1, 0), "{v:?}");
            assert!(t.malformed_examples[0].contains("abstract_inverted_index"), "{:?}", t.malformed_examples);
            let t = run_bytes("bad.jsonl", bad.as_bytes(), &opts(vec![AiRule::TitleKeywords(vec!["nothing".into()])]))
                .expect("runs");
            assert_eq!((t.malformed, t.works_kept), (0, 1), "{v:?}");
        }
    }
}
