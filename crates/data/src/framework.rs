//! The framework tree: indicators at level 1, aggregates above.

use std::collections::HashMap;

/// One row of framework input, as read from a file or a spec, before the
/// tree is checked. `level` may be left out: it is then inferred (a leaf is
/// level 1, a parent one above its highest child).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeSpec {
    pub code: String,
    pub name: Option<String>,
    pub parent: Option<String>,
    pub level: Option<u32>,
    /// 1 (higher is better), -1 (lower is better) or 0 (the closer to
    /// `target` the better; needs a target). Defaults to 1.
    pub direction: Option<f64>,
    /// Weight relative to the siblings. Defaults to 1.
    pub weight: Option<f64>,
    /// Per-indicator target (distance-to-target normalisation).
    pub target: Option<f64>,
    /// Unit-table column this indicator is divided by.
    pub denominator: Option<String>,
    /// Further numeric parameters (e.g. `goalpost_lower`).
    pub params: Vec<(String, f64)>,
}

/// A checked node of the framework.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub code: String,
    pub name: String,
    pub level: u32,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub weight: f64,
    /// 1 (higher is better), -1 (lower is better) or 0 (closest to
    /// `target` is best).
    pub direction: f64,
    pub target: Option<f64>,
    pub denominator: Option<String>,
    pub params: Vec<(String, f64)>,
}

impl Node {
    /// True when the indicator is scored by closeness to its target.
    pub fn scored_by_target(&self) -> bool {
        self.direction == 0.0
    }

    pub fn param(&self, name: &str) -> Option<f64> {
        self.params.iter().find(|(k, _)| k == name).map(|(_, v)| *v)
    }
}

/// What is wrong with a framework, naming the input row (0-based position
/// in the input list) and the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{field}: {message}", row.map(|r| format!("entry {} (", r + 1) + &format!("code {code:?}), ")).unwrap_or_default())]
pub struct FrameworkError {
    pub row: Option<usize>,
    pub code: String,
    pub field: &'static str,
    pub message: String,
}

fn err(row: usize, code: &str, field: &'static str, message: String) -> FrameworkError {
    FrameworkError { row: Some(row), code: code.to_string(), field, message }
}

/// The checked framework tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    nodes: Vec<Node>,
    level_names: Vec<String>,
    max_level: u32,
    /// Node indices by level (index 0 = level 1), each in input order.
    by_level: Vec<Vec<usize>>,
    index: HashMap<String, usize>,
}

impl Framework {
    /// Checks the rows and builds the tree.
    ///
    /// `level_names` may be empty; otherwise it must name every level
    /// (bottom first).
    pub fn new(specs: Vec<NodeSpec>, level_names: Vec<String>) -> Result<Self, FrameworkError> {
        if specs.is_empty() {
            return Err(FrameworkError {
                row: None,
                code: String::new(),
                field: "framework",
                message: "the framework has no entries; expected indicators and aggregates".into(),
            });
        }
        let mut index = HashMap::with_capacity(specs.len());
        for (i, s) in specs.iter().enumerate() {
            let code = s.code.trim();
            if code.is_empty() {
                return Err(err(i, &s.code, "code", "empty code; every entry needs a code".into()));
            }
            if code.contains(char::is_whitespace) {
                return Err(err(i, &s.code, "code", "codes may not contain spaces".into()));
            }
            if let Some(prev) = index.insert(code.to_string(), i) {
                return Err(err(
                    i,
                    code,
                    "code",
                    format!("duplicate code (also at entry {}); codes must be unique", prev + 1),
                ));
            }
        }
        // parents
        let mut parent = vec![None; specs.len()];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); specs.len()];
        for (i, s) in specs.iter().enumerate() {
            if let Some(p) = s.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                match index.get(p) {
                    Some(&pi) if pi == i => {
                        return Err(err(i, &s.code, "parent", "an entry cannot be its own parent".into()));
                    }
                    Some(&pi) => {
                        parent[i] = Some(pi);
                        children[pi].push(i);
                    }
                    None => {
                        return Err(err(
                            i,
                            &s.code,
                            "parent",
                            format!("parent {p:?} is not a code of the framework{}", suggest(p, index.keys())),
                        ));
                    }
                }
            }
        }
        // cycles: walk up from every node, stopping at nodes already known
        // to reach the top (linear overall); meeting the current walk loops
        let n = specs.len();
        let mut state = vec![0u8; n]; // 0 unseen, 1 on the current walk, 2 reaches the top
        for i in 0..n {
            let mut path = Vec::new();
            let mut cur = Some(i);
            while let Some(c) = cur {
                match state[c] {
                    2 => break,
                    1 => {
                        return Err(err(
                            c,
                            &specs[c].code,
                            "parent",
                            "the parent chain loops back on itself (a cycle in the framework)".into(),
                        ));
                    }
                    _ => {
                        state[c] = 1;
                        path.push(c);
                        cur = parent[c];
                    }
                }
            }
            for p in path {
                state[p] = 2;
            }
        }
        // inferred levels: a leaf is 1, a parent one above its highest
        // child; computed bottom-up without recursion
        let mut height = vec![1u32; n];
        let mut pending: Vec<usize> = children.iter().map(Vec::len).collect();
        let mut ready: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
        while let Some(c) = ready.pop() {
            if let Some(p) = parent[c] {
                height[p] = height[p].max(height[c].saturating_add(1));
                pending[p] -= 1;
                if pending[p] == 0 {
                    ready.push(p);
                }
            }
        }
        let mut level = vec![0u32; specs.len()];
        for (i, s) in specs.iter().enumerate() {
            level[i] = match s.level {
                Some(0) => return Err(err(i, &s.code, "level", "levels start at 1 (indicators)".into())),
                Some(l) if l as usize > n => {
                    return Err(err(
                        i,
                        &s.code,
                        "level",
                        format!("level {l} is more than the number of entries ({n}); levels count up from 1"),
                    ));
                }
                Some(l) => l,
                None => height[i],
            };
        }
        // a parent declared at level 1 is an indicator: the child named the wrong parent
        for (i, s) in specs.iter().enumerate() {
            if let Some(p) = parent[i].filter(|&p| level[p] == 1 && specs[p].level == Some(1)) {
                return Err(err(
                    i,
                    &s.code,
                    "parent",
                    format!(
                        "parent {} is an indicator (level 1); a parent must be an aggregate{}",
                        specs[p].code,
                        suggest_parent(&specs, &level, i)
                    ),
                ));
            }
        }
        for (i, s) in specs.iter().enumerate() {
            if level[i] == 1 && !children[i].is_empty() {
                return Err(err(
                    i,
                    &s.code,
                    "level",
                    format!(
                        "level 1 is for indicators, but {} has children ({})",
                        s.code,
                        children[i].iter().map(|&c| specs[c].code.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            if level[i] > 1 && children[i].is_empty() {
                return Err(err(
                    i,
                    &s.code,
                    "parent",
                    format!(
                        "aggregate {} (level {}) has no children; every aggregate needs at least one",
                        s.code, level[i]
                    ),
                ));
            }
            if let Some(p) = parent[i] {
                if level[p] != level[i].saturating_add(1) {
                    return Err(err(
                        i,
                        &s.code,
                        "level",
                        format!(
                            "{} is at level {} but its parent {} is at level {}; a parent must be exactly one level up",
                            s.code, level[i], specs[p].code, level[p]
                        ),
                    ));
                }
            }
        }
        let max_level = *level.iter().max().unwrap_or(&1);
        for (i, s) in specs.iter().enumerate() {
            if parent[i].is_none() && level[i] != max_level {
                return Err(err(
                    i,
                    &s.code,
                    "parent",
                    format!(
                        "{} (level {}) has no parent; only top-level entries (level {max_level}) may lack one",
                        s.code, level[i]
                    ),
                ));
            }
        }
        if !level_names.is_empty() && level_names.len() != max_level as usize {
            return Err(FrameworkError {
                row: None,
                code: String::new(),
                field: "level_names",
                message: format!("{} level names given but the framework has {max_level} levels", level_names.len()),
            });
        }
        let mut nodes = Vec::with_capacity(specs.len());
        for (i, s) in specs.into_iter().enumerate() {
            let direction = s.direction.unwrap_or(1.0);
            if direction != 1.0 && direction != -1.0 && direction != 0.0 {
                return Err(err(
                    i,
                    &s.code,
                    "direction",
                    format!("direction must be 1, -1 or 0 (closest to the target is best), found {direction}"),
                ));
            }
            if direction == 0.0 && (level[i] != 1 || s.target.is_none()) {
                return Err(err(
                    i,
                    &s.code,
                    "direction",
                    if level[i] != 1 {
                        "direction 0 (closest to a target) is for indicators, not aggregates".to_string()
                    } else {
                        format!("direction 0 scores {} by closeness to its target; give it a target", s.code)
                    },
                ));
            }
            let weight = s.weight.unwrap_or(1.0);
            if !weight.is_finite() || weight < 0.0 {
                return Err(err(i, &s.code, "weight", format!("weight must be a finite number >= 0, found {weight}")));
            }
            if let Some(t) = s.target {
                if !t.is_finite() {
                    return Err(err(i, &s.code, "target", format!("target must be finite, found {t}")));
                }
            }
            nodes.push(Node {
                name: s.name.filter(|n| !n.is_empty()).unwrap_or_else(|| s.code.clone()),
                code: s.code.trim().to_string(),
                level: level[i],
                parent: parent[i],
                children: std::mem::take(&mut children[i]),
                weight,
                direction,
                target: s.target,
                denominator: s.denominator.filter(|d| !d.trim().is_empty()),
                params: s.params,
            });
        }
        let mut by_level = vec![Vec::new(); max_level as usize];
        for (i, n) in nodes.iter().enumerate() {
            by_level[n.level as usize - 1].push(i);
        }
        let level_names = if level_names.is_empty() {
            (1..=max_level).map(|l| if l == 1 { "Indicator".to_string() } else { format!("Level {l}") }).collect()
        } else {
            level_names
        };
        Ok(Framework { nodes, level_names, max_level, by_level, index })
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub fn max_level(&self) -> u32 {
        self.max_level
    }

    pub fn level_names(&self) -> &[String] {
        &self.level_names
    }

    /// The code of the (first) top-level node: the index itself.
    pub fn top_code(&self) -> Option<&str> {
        self.level(self.max_level).first().map(|&i| self.nodes[i].code.as_str())
    }

    /// Node indices at a level (1 = indicators), in input order.
    pub fn level(&self, level: u32) -> &[usize] {
        match level.checked_sub(1).and_then(|l| self.by_level.get(l as usize)) {
            Some(v) => v,
            None => &[],
        }
    }

    /// Indicator node indices, in input order.
    pub fn indicators(&self) -> &[usize] {
        self.level(1)
    }

    /// Indicator codes, in input order.
    pub fn indicator_codes(&self) -> Vec<String> {
        self.indicators().iter().map(|&i| self.nodes[i].code.clone()).collect()
    }

    /// All codes: indicators, then aggregates level by level.
    pub fn codes_by_level(&self) -> Vec<String> {
        self.by_level.iter().flatten().map(|&i| self.nodes[i].code.clone()).collect()
    }

    /// Effective weight of every node in the index: the product of its
    /// weight share among its siblings down from the top. Nodes at the top
    /// level share 1 among themselves. Returns `None` for a node whose
    /// sibling weights sum to zero.
    pub fn effective_weights(&self, weights: &[f64]) -> Vec<Option<f64>> {
        let mut out = vec![None; self.nodes.len()];
        // siblings' weights and their sum; scaled by their maximum when the sum would overflow
        let siblings = |ids: &[usize]| -> Option<(Vec<f64>, f64)> {
            let mut w: Vec<f64> = ids.iter().map(|&i| weights[i]).collect();
            relative_weights(&mut w);
            let s: f64 = w.iter().sum();
            (s > 0.0 && s.is_finite()).then_some((w, s))
        };
        let top = self.level(self.max_level);
        let mut stack = Vec::new();
        if let Some((w, s)) = siblings(top) {
            for (&t, x) in top.iter().zip(w) {
                out[t] = Some(x / s);
                stack.push(t);
            }
        }
        while let Some(p) = stack.pop() {
            let ch = &self.nodes[p].children;
            if let Some((w, s)) = siblings(ch) {
                for (&c, x) in ch.iter().zip(w) {
                    out[c] = out[p].map(|wp| wp * x / s);
                    stack.push(c);
                }
            }
        }
        out
    }

    /// The framework weights, one per node.
    pub fn weights(&self) -> Vec<f64> {
        self.nodes.iter().map(|n| n.weight).collect()
    }
}

/// " (did you mean X?)" for the nearest candidate by edit distance, or "".
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a String>) -> String {
    let candidates: Vec<&String> = candidates.into_iter().collect();
    let w = word.to_lowercase();
    // the first of the nearest by edit distance
    let best = candidates.iter().map(|c| (edit_distance(&w, &c.to_lowercase()), *c)).min_by_key(|(d, _)| *d);
    let hit = match best {
        Some((d, c)) if d <= 2.max(word.len() / 3) => Some(c),
        // a shortened name: the (first) shortest candidate that contains it
        _ if w.len() >= 3 => candidates.into_iter().filter(|c| c.to_lowercase().contains(&w)).min_by_key(|c| c.len()),
        _ => None,
    };
    hit.map(|c| format!(" (did you mean {c:?}?)")).unwrap_or_default()
}

/// Sibling weights are relative: when their sum overflows (weights near
/// `f64::MAX`), they are divided by their maximum so that it does not.
/// Ordinary weights are left exactly as they are.
pub fn relative_weights(w: &mut [f64]) {
    if !w.iter().copied().sum::<f64>().is_finite() {
        let max = w.iter().copied().fold(0.0, f64::max);
        w.iter_mut().for_each(|x| *x /= max);
    }
}

/// ", e.g. P" with the aggregates one level above entry `i`, or nothing.
fn suggest_parent(specs: &[NodeSpec], level: &[u32], i: usize) -> String {
    let above: Vec<&str> =
        specs.iter().zip(level).filter(|(_, l)| **l == level[i] + 1).map(|(s, _)| s.code.as_str()).take(5).collect();
    if above.is_empty() { String::new() } else { format!(" at level {}, e.g. {}", level[i] + 1, above.join(", ")) }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(code: &str, parent: Option<&str>, level: Option<u32>) -> NodeSpec {
        NodeSpec { code: code.into(), parent: parent.map(Into::into), level, ..Default::default() }
    }

    #[test]
    fn infers_levels_and_orders_codes() {
        let f = Framework::new(
            vec![
                n("a", Some("P"), None),
                n("b", Some("P"), None),
                n("c", Some("Q"), None),
                n("P", Some("I"), None),
                n("Q", Some("I"), None),
                n("I", None, None),
            ],
            vec![],
        )
        .expect("valid");
        assert_eq!(f.max_level(), 3);
        assert_eq!(f.codes_by_level(), ["a", "b", "c", "P", "Q", "I"]);
        let ew = f.effective_weights(&f.weights());
        let ind_sum: f64 = f.indicators().iter().map(|&i| ew[i].expect("weighted")).sum();
        assert!((ind_sum - 1.0).abs() < 1e-15);
        assert_eq!(ew[0], Some(0.25));
        assert_eq!(ew[2], Some(0.5));
        // huge weights are relative weights too: a sum that overflows does not drop a branch
        let huge: Vec<f64> = f.weights().iter().map(|w| w * 1.7e308).collect();
        let eh = f.effective_weights(&huge);
        for (a, b) in ew.iter().zip(&eh) {
            assert!((a.expect("w") - b.expect("w")).abs() < 1e-15, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn a_parent_that_is_an_indicator_is_blamed_on_the_child() {
        // y names the indicator x as its parent: the error is y's, on its parent field
        let specs = vec![n("x", Some("P"), Some(1)), n("y", Some("x"), Some(1)), n("P", None, Some(2))];
        let e = Framework::new(specs, vec![]).unwrap_err();
        assert_eq!((e.code.as_str(), e.field), ("y", "parent"), "{e}");
        assert!(e.message.contains("parent x is an indicator (level 1)"), "{e}");
    }

    #[test]
    fn rejects_bad_trees() {
        let e = Framework::new(vec![n("a", Some("X"), None), n("P", None, None)], vec![]).unwrap_err();
        assert_eq!(e.field, "parent");
        assert!(e.message.contains("\"X\" is not a code"), "{e}");
        let e = Framework::new(vec![n("a", Some("b"), None), n("b", Some("a"), None)], vec![]).unwrap_err();
        assert!(e.message.contains("cycle"), "{e}");
        let e =
            Framework::new(vec![n("a", Some("P"), Some(1)), n("b", Some("P"), Some(1)), n("P", None, Some(3))], vec![])
                .unwrap_err();
        assert!(e.message.contains("exactly one level up"), "{e}");
        let e = Framework::new(vec![n("a", None, Some(1)), n("a", None, Some(1))], vec![]).unwrap_err();
        assert!(e.message.contains("duplicate"), "{e}");
        let e = Framework::new(vec![n("a", Some("P"), None), n("P", None, Some(2)), n("Q", None, Some(2))], vec![])
            .unwrap_err();
        assert!(e.message.contains("no children"), "{e}");
    }

    #[test]
    fn deep_chains_and_huge_levels_do_not_overflow() {
        let len = 200_000;
        let mut v: Vec<NodeSpec> = (0..len).map(|i| n_(&format!("c{i}"), Some(&format!("c{}", i + 1)))).collect();
        v.push(n_(&format!("c{len}"), None));
        let f = Framework::new(v, vec![]).expect("a long chain is a valid tree");
        assert_eq!(f.max_level() as usize, len + 1);
        let e = Framework::new(vec![n("a", Some("P"), Some(1)), n("P", None, Some(u32::MAX))], vec![]).unwrap_err();
        assert!(e.message.contains("more than the number of entries"), "{e}");
    }

    fn n_(code: &str, parent: Option<&str>) -> NodeSpec {
        NodeSpec { code: code.into(), parent: parent.map(Into::into), ..Default::default() }
    }

    #[test]
    fn suggestions() {
        let c = ["method".to_string(), "enabled".to_string()];
        assert_eq!(suggest("metod", c.iter()), " (did you mean \"method\"?)");
        assert_eq!(suggest("zzzzzzzz", c.iter()), "");
        let long = ["ai_articles_whole".to_string(), "ai_articles_fractional_counts".to_string()];
        assert_eq!(suggest("ai_articles", long.iter()), " (did you mean \"ai_articles_whole\"?)");
    }
}
