//! Keyword matching: text folded (NFKC, lower case, single spaces) and
//! keywords found as whole words.

/// `s` with each run of white space made one space, and none at the ends.
/// Text as keywords are matched: compatibility-normalised (NFKC: composed
/// accents, ligatures and full-width forms as plain letters), lower case
/// with the final sigma as σ (as case folding has it), white space runs as
/// one space.
pub(crate) fn fold(s: &str) -> String {
    if s.is_ascii() {
        return squash(&s.to_ascii_lowercase());
    }
    use unicode_normalization::UnicodeNormalization;
    let lower: String = s.nfkc().collect::<String>().to_lowercase().replace('ς', "σ");
    squash(&lower)
}

fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A character that makes a word with its neighbours, for keyword
/// boundaries: a letter, digit or combining diacritical mark, but not in
/// the scripts written without spaces between words (Chinese, Japanese,
/// Thai, Lao, Khmer, Myanmar), where a keyword may sit anywhere.
fn word_char(c: char) -> bool {
    let mark = matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}');
    let unspaced = matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}' // CJK ideographs
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
        | '\u{20000}'..='\u{3FFFF}');
    (c.is_alphanumeric() || mark) && !unspaced
}

/// `text` holds `key` as whole words: where the key starts (ends) with a
/// [`word_char`], the text may not have one just before (after) it. A key
/// ending in `*` may end inside a word (`transformer*` finds
/// `transformers`). Both are [`fold`]ed.
pub(crate) fn has_words(text: &str, key: &str) -> bool {
    let (key, any_ending) = match key.strip_suffix('*') {
        Some(k) => (k, true),
        None => (key, false),
    };
    let Some(first) = key.chars().next() else { return false };
    let check_before = word_char(first);
    let check_after = !any_ending && key.chars().next_back().is_some_and(word_char);
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(key)) {
        let i = from + at;
        let before = text[..i].chars().next_back();
        let after = text[i + key.len()..].chars().next();
        let joined = (check_before && before.is_some_and(word_char)) || (check_after && after.is_some_and(word_char));
        if !joined {
            return true;
        }
        // matches may overlap: go on from the next character
        from = i + first.len_utf8();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_boundaries() {
        let cases = [
            // (text, key, found)
            ("said the domain", "ai", false),
            ("ai, said", "ai", true),
            ("deep learning", "learn", false),
            ("deep learning", "learn*", true),
            ("xlearning", "learn*", false),
            ("c++11 and go", "c++", true), // only the letter side of `c++` needs a boundary
            ("objective-c++", "c++", true),
            ("asp.net core", ".net", true),
            ("asp.netty", ".net", false),
            ("基于人工智能的方法", "人工智能", true), // no spaces between words in Chinese
            ("ภาษาไทยปัญญาประดิษฐ์", "ปัญญาประดิษฐ์", true),
            ("cafe\u{301} au lait", "cafe", false), // a combining accent belongs to the word
            ("nab ab ab", "ab ab", true),           // overlapping candidates
            ("", "ai", false),
        ];
        for (text, key, found) in cases {
            assert_eq!(has_words(text, key), found, "{text:?} {key:?}");
        }
        assert_eq!(squash("  deep\u{a0}\n learning  "), "deep learning");
        // folded alike: decomposed accents, ligatures, full-width letters, final sigma
        let folded = [
            ("Re\u{301}seau de neurones", "réseau"),
            ("RÉSEAU DE NEURONES", "réseau"),
            ("\u{fb01}ne-tuning of LLMs", "fine-tuning"),
            ("ＡＩ for science", "ai"),
            ("ΤΕΧΝΗΤΉ ΝΟΗΜΟΣΎΝΗ ΚΑΙ ΛΌΓΟΣ", "λόγος"),
            ("τεχνητή νοημοσύνη και λογος", "λογοσ"),
        ];
        for (text, key) in folded {
            let key = fold(key);
            assert!(has_words(&fold(text), &key), "{text:?} {key:?}");
        }
        assert!(has_words(&fold("Re\u{301}seau de neurones"), &fold("réseau")));
        assert!(has_words(&fold("ΚΑΙ ΛΟΓΟΣ"), &fold("λογος")));
        assert_eq!(fold("  Deep\tLEARNING "), "deep learning");
    }
}
