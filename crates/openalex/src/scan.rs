//! On-demand scanning of one JSON object line: its top-level fields as
//! (key, raw value) byte ranges, without parsing the values.
//!
//! An OpenAlex work line is ~11 KB of which the aggregation reads ~2.5 KB
//! (authorships, a few scalars; topics and concepts only for AI rules). A
//! full parser spends most of its time validating the other ~8.5 KB
//! (`abstract_inverted_index`, `referenced_works`, `locations`…) token by
//! token. This scanner, in the manner of simdjson's stage 1 and its
//! On-Demand API, classifies 64 bytes at a time into bit masks (quotes,
//! backslashes, brackets, commas, colons), works out which bytes are inside
//! strings with a prefix XOR, and tracks bracket depth with popcounts, so it
//! only looks at individual characters where the depth may return to the
//! top level.
//!
//! What is checked, and what is not. The line must be valid UTF-8 and one
//! JSON object: the top level is fully checked (`{`, `"key"`, `:`, value,
//! `,` … `}`, nothing after it), every string is closed, brackets balance
//! inside every value, a container value starts and ends with the same kind
//! of bracket, and a scalar value is a string, number, `true`, `false` or
//! `null` in shape. The caller parses the values it uses with a full
//! parser (which validates them completely); the grammar *inside* values it
//! does not use (a missing comma deep in `abstract_inverted_index`) is not
//! checked. Truncated, cut or concatenated lines — the malformations seen in
//! practice — fail here. This is the opt-in `Validation::OnDemand` of the
//! crate root; the default validates every line in full.
//!
//! Instruction sets. The vector code goes through `safe_arch` (the
//! workspace forbids `unsafe`), so it is chosen when compiling: SSE2 in the
//! default x86-64 build (bracket counts summed with `psadbw`, as baseline
//! x86-64 has no POPCNT); AVX2 and POPCNT in builds for x86-64-v3 or for the
//! machine (`RUSTFLAGS="-C target-cpu=native"`, ~30% faster here), with the
//! prefix XOR as one carry-less multiplication where PCLMULQDQ is enabled;
//! a byte loop on other CPUs. `tests/all.sh` tests both x86-64 builds.

/// Why a line is not a JSON object (message for the malformed-line report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError(pub String);

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, ScanError> {
    Err(ScanError(msg.into()))
}

/// Bit masks of one 64-byte block (bit i = byte i).
struct Masks {
    quote: u64,
    backslash: u64,
    open: u64,
    close: u64,
    /// How many bits `open` and `close` have. Counted in the vector
    /// registers: x86-64's baseline has no POPCNT instruction, and the
    /// software popcount cost a fifth of the scan.
    n_open: u32,
    n_close: u32,
}

/// Classifies a block with SSE2 (every x86-64 CPU has it): per 16 bytes,
/// one vector compare per character class and a movemask.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(target_feature = "avx2")))]
#[inline(always)]
fn classify(b: &[u8; 64]) -> Masks {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i as eq, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i as splat,
        sub_i8_m128i, sum_of_u8_abs_diff_m128i as sad, zeroed_m128i,
    };
    let (quote, backslash, lbrace, rbrace, case) =
        (splat(b'"' as i8), splat(b'\\' as i8), splat(b'{' as i8), splat(b'}' as i8), splat(0x20));
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0, n_open: 0, n_close: 0 };
    // per byte lane: how many of the four parts have an open (close) there
    let (mut opens, mut closes) = (zeroed_m128i(), zeroed_m128i());
    for k in 0..4 {
        let mut part = [0u8; 16];
        part.copy_from_slice(&b[16 * k..16 * k + 16]);
        let v = load_unaligned_m128i(&part);
        // `{` 0x7B and `[` 0x5B differ only in bit 0x20, as do `}` and `]`
        let lower = bitor_m128i(v, case);
        let bits = |x| u64::from(move_mask_i8_m128i(x) as u16) << (16 * k);
        m.quote |= bits(eq(v, quote));
        m.backslash |= bits(eq(v, backslash));
        let (o, c) = (eq(lower, lbrace), eq(lower, rbrace));
        m.open |= bits(o);
        m.close |= bits(c);
        // a match is -1 in its lane
        opens = sub_i8_m128i(opens, o);
        closes = sub_i8_m128i(closes, c);
    }
    // sum of absolute differences from zero: the lane totals, per half
    let total = |x| {
        let [lo, hi] = <[i64; 2]>::from(sad(x, zeroed_m128i()));
        (lo + hi) as u32
    };
    m.n_open = total(opens);
    m.n_close = total(closes);
    m
}

/// Classifies a block with AVX2 (builds for x86-64-v3 and newer, e.g.
/// `RUSTFLAGS="-C target-cpu=native"`): as the SSE2 version, 32 bytes at a
/// time; such CPUs have POPCNT, so the counts come from the masks.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
fn classify(b: &[u8; 64]) -> Masks {
    use safe_arch::{bitor_m256i, cmp_eq_mask_i8_m256i as eq, m256i, move_mask_i8_m256i, set_splat_i8_m256i as splat};
    let (quote, backslash, lbrace, rbrace, case) =
        (splat(b'"' as i8), splat(b'\\' as i8), splat(b'{' as i8), splat(b'}' as i8), splat(0x20));
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0, n_open: 0, n_close: 0 };
    for k in 0..2 {
        let mut part = [0u8; 32];
        part.copy_from_slice(&b[32 * k..32 * k + 32]);
        let v = m256i::from(part);
        let lower = bitor_m256i(v, case);
        let bits = |x| u64::from(move_mask_i8_m256i(x) as u32) << (32 * k);
        m.quote |= bits(eq(v, quote));
        m.backslash |= bits(eq(v, backslash));
        m.open |= bits(eq(lower, lbrace));
        m.close |= bits(eq(lower, rbrace));
    }
    m.n_open = m.open.count_ones();
    m.n_close = m.close.count_ones();
    m
}

/// Classifies a block, byte by byte (other CPUs; the reference in tests).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline(always)]
fn classify_bytes(b: &[u8; 64]) -> Masks {
    let mut m = Masks { quote: 0, backslash: 0, open: 0, close: 0, n_open: 0, n_close: 0 };
    for (i, &c) in b.iter().enumerate() {
        let bit = 1u64 << i;
        // `{` 0x7B and `[` 0x5B differ only in bit 0x20, as do `}` and `]`
        let lower = c | 0x20;
        m.quote |= if c == b'"' { bit } else { 0 };
        m.backslash |= if c == b'\\' { bit } else { 0 };
        m.open |= if lower == b'{' { bit } else { 0 };
        m.close |= if lower == b'}' { bit } else { 0 };
    }
    m.n_open = m.open.count_ones();
    m.n_close = m.close.count_ones();
    m
}

/// Commas and colons of a block (only needed where the depth may return
/// to the top level, so not part of [`classify`]).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2", not(target_feature = "avx2")))]
#[inline(always)]
fn separators(b: &[u8; 64]) -> u64 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i as eq, load_unaligned_m128i, move_mask_i8_m128i, set_splat_i8_m128i as splat,
    };
    let (comma, colon) = (splat(b',' as i8), splat(b':' as i8));
    let mut m = 0;
    for k in 0..4 {
        let mut part = [0u8; 16];
        part.copy_from_slice(&b[16 * k..16 * k + 16]);
        let v = load_unaligned_m128i(&part);
        m |= u64::from(move_mask_i8_m128i(bitor_m128i(eq(v, comma), eq(v, colon))) as u16) << (16 * k);
    }
    m
}

/// [`separators`] with AVX2.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
fn separators(b: &[u8; 64]) -> u64 {
    use safe_arch::{bitor_m256i, cmp_eq_mask_i8_m256i as eq, m256i, move_mask_i8_m256i, set_splat_i8_m256i as splat};
    let (comma, colon) = (splat(b',' as i8), splat(b':' as i8));
    let mut m = 0;
    for k in 0..2 {
        let mut part = [0u8; 32];
        part.copy_from_slice(&b[32 * k..32 * k + 32]);
        let v = m256i::from(part);
        m |= u64::from(move_mask_i8_m256i(bitor_m256i(eq(v, comma), eq(v, colon))) as u32) << (32 * k);
    }
    m
}

/// [`separators`], byte by byte.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
#[inline(always)]
fn separators_bytes(b: &[u8; 64]) -> u64 {
    let mut m = 0;
    for (i, &c) in b.iter().enumerate() {
        m |= u64::from(c == b',' || c == b':') << i;
    }
    m
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "pclmulqdq")))]
use prefix_xor_shifts as prefix_xor;
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
use {classify_bytes as classify, separators_bytes as separators};

/// Characters escaped by a backslash (a backslash that is itself escaped
/// escapes nothing). `carry`: the previous block ended with an unescaped
/// backslash, so this block's first character is escaped.
#[inline(always)]
fn escaped(backslash: u64, carry: &mut bool) -> u64 {
    let mut out = u64::from(*carry);
    *carry = false;
    if backslash == 0 {
        return out;
    }
    let mut rest = backslash & !out;
    while rest != 0 {
        let i = rest.trailing_zeros();
        if i == 63 {
            *carry = true;
            break;
        }
        out |= 1 << (i + 1);
        // the escaped character, if a backslash, escapes nothing
        rest &= !(1 << (i + 1));
        rest &= rest - 1;
    }
    out
}

/// Set bits of a mask that usually has none or one (no POPCNT needed).
#[inline(always)]
fn sparse_ones(mut x: u64) -> i64 {
    let mut n = 0;
    while x != 0 {
        x &= x - 1;
        n += 1;
    }
    n
}

/// Bit i set when an odd number of bits at or below i are set: a
/// carry-less multiplication by all ones (builds with PCLMULQDQ).
#[cfg(all(target_arch = "x86_64", target_feature = "pclmulqdq"))]
#[inline(always)]
fn prefix_xor(x: u64) -> u64 {
    use safe_arch::{get_i64_from_m128i_s, mul_i64_carryless_m128i, set_i64_m128i_s, set_splat_i8_m128i};
    get_i64_from_m128i_s(mul_i64_carryless_m128i::<0>(set_i64_m128i_s(x as i64), set_splat_i8_m128i(-1))) as u64
}

/// Bit i set when an odd number of bits at or below i are set.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "pclmulqdq"), allow(dead_code))]
#[inline(always)]
fn prefix_xor_shifts(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// Closes whose nearest bracket before them in the block is an open: each
/// such pair nets to zero, so only the other closes can lower the depth
/// below where the block started.
#[inline(always)]
fn closes_matched_in_block(open: u64, close: u64) -> u64 {
    // zeros exactly at closes; adding the opens carries from each run of
    // ones that holds an open into the close ending that run
    (!close).wrapping_add(open) & close & !open
}

/// Which bytes of consecutive blocks lie inside strings: the state carried
/// from one block to the next.
#[derive(Default)]
struct Strings {
    /// All ones when the previous block ended inside a string.
    inside: u64,
    /// The previous block ended with an unescaped backslash.
    esc_carry: bool,
}

impl Strings {
    /// The bits of the block `m` inside strings (the quotes that open
    /// them included).
    #[inline(always)]
    fn of(&mut self, m: &Masks) -> u64 {
        let esc = escaped(m.backslash, &mut self.esc_carry);
        let strings = prefix_xor(m.quote & !esc) ^ self.inside;
        self.inside = if strings >> 63 == 1 { !0 } else { 0 };
        strings
    }
}

/// `chunk` (at most 64 bytes) as a whole block: itself, or copied into
/// `spare` and padded with spaces.
#[inline(always)]
fn padded<'a>(chunk: &'a [u8], spare: &'a mut [u8; 64]) -> &'a [u8; 64] {
    if let Ok(full) = <&[u8; 64]>::try_from(chunk) {
        return full;
    }
    spare[..chunk.len()].copy_from_slice(chunk);
    spare[chunk.len()..].fill(b' ');
    spare
}

/// Whether brackets outside strings nest deeper than `max` anywhere in
/// `line` (a JSON value or not). Parsers recurse once per level, so a line
/// of 30,000 `[` would overflow the stack; this check comes first. It costs
/// one classification per 64 bytes: a block whose opens cannot take the
/// depth past `max` is counted whole, and only a block that might is walked
/// bracket by bracket.
pub fn nests_deeper_than(line: &[u8], max: usize) -> bool {
    let max = i64::try_from(max).unwrap_or(i64::MAX);
    let mut depth: i64 = 0;
    let mut tracker = Strings::default();
    let mut block = [b' '; 64];
    for chunk in line.chunks(64) {
        let m = classify(padded(chunk, &mut block));
        let strings = tracker.of(&m);
        let (open, close) = (m.open & !strings, m.close & !strings);
        let n_open = i64::from(m.n_open) - sparse_ones(m.open & strings);
        if depth + n_open <= max {
            depth += n_open - (i64::from(m.n_close) - sparse_ones(m.close & strings));
            continue;
        }
        let mut events = open | close;
        while events != 0 {
            let bit = events & events.wrapping_neg();
            events &= events - 1;
            if open & bit != 0 {
                depth += 1;
                if depth > max {
                    return true;
                }
            } else {
                depth -= 1;
            }
        }
    }
    false
}

/// Calls `field(key, value)` for each top-level field of the JSON object
/// in `line` (both without surrounding whitespace; the key with its quotes).
pub fn fields<'a>(
    line: &'a [u8],
    field: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    utf8(line)?;
    members(line, true, field)
}

/// The line as text, or where it stops being UTF-8.
pub fn utf8(line: &[u8]) -> Result<&str, ScanError> {
    simdutf8::basic::from_utf8(line).or_else(|_| {
        let at = std::str::from_utf8(line).err().map_or(0, |e| e.valid_up_to());
        err(format!("invalid UTF-8 at byte {at}"))
    })
}

/// [`fields`] of a line already checked by [`utf8`], the pieces as text
/// (so a parser handed a value need not check its UTF-8 again).
pub fn str_fields<'a>(
    line: &'a str,
    mut field: impl FnMut(&'a str, &'a str) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    let start = line.as_ptr() as usize;
    // pieces start and end at ASCII punctuation or quotes, so on characters
    let piece = |s: &[u8]| {
        let at = (s.as_ptr() as usize).wrapping_sub(start);
        line.get(at..at + s.len()).ok_or_else(|| ScanError("a field does not start and end on characters".into()))
    };
    members(line.as_bytes(), true, |k, v| field(piece(k)?, piece(v)?))
}

/// The members of one object (`object`) or array: (key, value) pairs, the
/// key empty for arrays.
fn members<'a>(
    text: &'a [u8],
    object: bool,
    mut member: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    let (open_char, close_char, what) = if object { (b'{', b'}', "object") } else { (b'[', b']', "array") };
    let start = text.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(text.len());
    if text.get(start) != Some(&open_char) {
        return err(format!("expected `{}` at the start of an {what}", open_char as char));
    }
    let mut depth: i64 = 0;
    let mut tracker = Strings::default();
    let mut expect_key = object; // at depth 1: before the next `:`
    let mut piece_start = start + 1; // start of the current key or value
    let mut key: &[u8] = &[];
    let mut seen_comma = false;
    let mut end: Option<usize> = None;
    let mut block = [b' '; 64];
    let mut base = start;
    while base < text.len() {
        let chunk = &text[base..text.len().min(base + 64)];
        let b = padded(chunk, &mut block);
        let m = classify(b);
        let strings = tracker.of(&m);
        let outside = !strings;
        let open = m.open & outside;
        let close = m.close & outside;
        let unmatched = close & !closes_matched_in_block(open, close);
        if end.is_none() && depth - sparse_ones(unmatched) >= 2 {
            // the block stays inside some member's value; brackets inside
            // strings (rare) are taken off the block's counts
            let (n_open, n_close) = (i64::from(m.n_open), i64::from(m.n_close));
            depth += n_open - n_close - sparse_ones(m.open & strings) + sparse_ones(m.close & strings);
            base += 64;
            continue;
        }
        let mut events = open | close | (separators(b) & outside);
        while events != 0 {
            let i = events.trailing_zeros() as usize;
            events &= events - 1;
            let pos = base + i;
            if end.is_some() {
                return err(format!("unexpected `{}` after the {what} ended", text[pos] as char));
            }
            let c = text[pos];
            match c {
                b'{' | b'[' => {
                    if depth == 0 && pos != start {
                        return err(format!("expected one JSON {what}"));
                    }
                    if depth == 1 && (expect_key || !trim(&text[piece_start..pos]).is_empty()) {
                        return err(if expect_key { "expected a key" } else { "expected `,` between values" });
                    }
                    depth += 1;
                }
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        if c != close_char {
                            return err(format!("the {what} is closed by `{}`", c as char));
                        }
                        let last = trim(&text[piece_start..pos]);
                        if expect_key || (!object && last.is_empty()) {
                            if !last.is_empty() || seen_comma {
                                return err("expected a value after `,`");
                            }
                        } else {
                            value_shape(last)?;
                            member(key, last)?;
                        }
                        end = Some(pos);
                    } else if depth < 0 {
                        return err("unbalanced brackets");
                    }
                }
                b':' if depth == 1 => {
                    if !expect_key {
                        return err(if object { "unexpected `:` in a value" } else { "unexpected `:` in an array" });
                    }
                    key = trim(&text[piece_start..pos]);
                    key_shape(key)?;
                    expect_key = false;
                    piece_start = pos + 1;
                }
                b',' if depth == 1 => {
                    if expect_key {
                        return err("expected `\"key\":` before `,`");
                    }
                    let v = trim(&text[piece_start..pos]);
                    value_shape(v)?;
                    member(key, v)?;
                    expect_key = object;
                    seen_comma = true;
                    piece_start = pos + 1;
                }
                _ => {}
            }
        }
        base += 64;
    }
    if tracker.inside != 0 {
        return err("a string is not closed (the line ends inside it: truncated?)");
    }
    match end {
        None => err(format!("the {what} is not closed (truncated line?)")),
        Some(e) if !trim(&text[e + 1..]).is_empty() => err(format!("unexpected text after the {what}")),
        Some(_) => Ok(()),
    }
}

fn trim(s: &[u8]) -> &[u8] {
    s.trim_ascii()
}

/// `s` is one JSON string in shape: quoted, and no unescaped quote inside.
fn string_shape(s: &[u8]) -> bool {
    let [b'"', inner @ .., b'"'] = s else { return false };
    if !inner.contains(&b'"') {
        return true;
    }
    let mut i = 0;
    while i < inner.len() {
        match inner[i] {
            b'\\' => i += 2,
            b'"' => return false,
            _ => i += 1,
        }
    }
    // a final backslash escapes the closing quote
    i == inner.len()
}

fn key_shape(k: &[u8]) -> Result<(), ScanError> {
    if string_shape(k) {
        Ok(())
    } else {
        err(format!("expected a quoted key, found {:?}", String::from_utf8_lossy(&k[..k.len().min(40)])))
    }
}

/// The shape checks of a value not handed to the full parser.
fn value_shape(v: &[u8]) -> Result<(), ScanError> {
    let ok = match v {
        [] => false,
        [b'{', .., b'}'] | [b'[', .., b']'] => true,
        [b'"', ..] => string_shape(v),
        b"true" | b"false" | b"null" => true,
        [c, rest @ ..] if *c == b'-' || c.is_ascii_digit() => {
            rest.iter().all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        err(format!("expected a JSON value, found {:?}", String::from_utf8_lossy(&v[..v.len().min(40)])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`fields`] of an object value, UTF-8 not checked again.
    fn object_fields<'a>(
        value: &'a [u8],
        field: impl FnMut(&'a [u8], &'a [u8]) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        members(value, true, field)
    }

    /// Each element of an array value.
    fn elements<'a>(
        value: &'a [u8],
        mut element: impl FnMut(&'a [u8]) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        members(value, false, |_, v| element(v))
    }

    fn collect(line: &str) -> Result<Vec<(String, String)>, ScanError> {
        let mut out = Vec::new();
        fields(line.as_bytes(), |k, v| {
            out.push((String::from_utf8_lossy(k).into_owned(), String::from_utf8_lossy(v).into_owned()));
            Ok(())
        })?;
        Ok(out)
    }

    /// The top-level fields as serde_json sees them (its raw values).
    fn reference(line: &str) -> Option<Vec<(String, String)>> {
        let v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).ok()?;
        Some(v.into_iter().map(|(k, v)| (k, v.to_string())).collect())
    }

    fn normalised(fields: Vec<(String, String)>) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = fields
            .into_iter()
            .map(|(k, v)| {
                let k: String = serde_json::from_str(&k).expect("key is a JSON string");
                let v: serde_json::Value = serde_json::from_str(&v).expect("value is JSON");
                (k, v.to_string())
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn nesting_depth() {
        let nested = |d: usize| format!("{{\"a\":{}1{}}}", "[".repeat(d - 1), "]".repeat(d - 1));
        for d in [1, 2, 31, 32, 33, 64, 65, 200] {
            let line = nested(d);
            for max in [1, 32, 64] {
                assert_eq!(nests_deeper_than(line.as_bytes(), max), d > max, "depth {d}, max {max}");
            }
        }
        // brackets inside strings (escaped quotes too) do not nest
        let quoted = format!("{{\"t\":\"\\\"{}\",\"u\":[[1]]}}", "[".repeat(500));
        assert!(!nests_deeper_than(quoted.as_bytes(), 3));
        assert!(nests_deeper_than(quoted.as_bytes(), 2));
        // depth that returns and rises again across 64-byte blocks
        let waves = "[[[[[[[[[[]]]]]]]]]]".repeat(40);
        assert!(!nests_deeper_than(waves.as_bytes(), 10));
        assert!(nests_deeper_than(waves.as_bytes(), 9));
        // 30,000 levels: answered without recursion
        assert!(nests_deeper_than("[".repeat(30_000).as_bytes(), 32));
    }

    #[test]
    fn vector_and_byte_classification_agree() {
        let alphabet = b"\"\\{}[],: ax\x7b\x5b\x3b\x1b\xff\x80";
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut seen = 0u64;
        for _ in 0..2000 {
            let mut b = [0u8; 64];
            for c in b.iter_mut() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *c = alphabet[(state % alphabet.len() as u64) as usize];
            }
            let (x, y) = (classify(&b), classify_bytes(&b));
            assert_eq!((x.quote, x.backslash, x.open, x.close), (y.quote, y.backslash, y.open, y.close));
            assert_eq!((x.n_open, x.n_close), (y.open.count_ones(), y.close.count_ones()));
            assert_eq!(separators(&b), separators_bytes(&b));
            seen += u64::from(y.quote != 0 && y.open != 0 && y.close != 0 && y.backslash != 0);
        }
        assert!(seen > 1000, "the blocks hold the classes tested ({seen})");
    }

    #[test]
    fn prefix_xor_as_shifts() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            assert_eq!(prefix_xor(x), prefix_xor_shifts(x));
            // bit i is the parity of bits 0..=i
            let i = (x % 64) as u32;
            assert_eq!(prefix_xor(x) >> i & 1, u64::from((x & (u64::MAX >> (63 - i))).count_ones() % 2));
        }
    }

    #[test]
    fn escapes_across_blocks() {
        // backslash runs of every length ending at every position of a block
        for pad in 0..70 {
            for run in 0..6 {
                let bs = "\\".repeat(2 * run);
                let s =
                    format!(r#"{{"p":"{}","k{}":"a{}\"b","n":[1,{{"x":"]}}"}}],"z":null}}"#, "x".repeat(pad), run, bs);
                let got = collect(&s).unwrap_or_else(|e| panic!("{s}: {e}"));
                assert_eq!(
                    normalised(got),
                    reference(&s)
                        .map(|mut r| {
                            r.sort();
                            r
                        })
                        .expect("valid"),
                    "{s}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_serde_json_on_valid_objects() {
        let samples = [
            r#"{}"#,
            r#"  { "a" : 1 , "b":[ ] ,"c":{ },"d":"x,y:z{[","e":-1.5e3,"f":true,"g":null}  "#,
            r#"{"a":[[[[]]],[{"b":[{"c":{}}]}]],"d":"\\","e":"\"","f":"\\\"","g":"\u00e9"}"#,
            r#"{"deep":[[[[[[[[1]]]]]]]],"after":2}"#,
        ];
        for s in samples {
            let got = collect(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            let mut want = reference(s).expect("valid");
            want.sort();
            assert_eq!(normalised(got), want, "{s}");
        }
        // long values crossing many blocks at several depths
        let big = format!(
            r#"{{"x":{{{}}},"arr":[{}],"s":"{}","t":1}}"#,
            (0..300).map(|i| format!(r#""w{i}":[{i},{}]"#, i + 1)).collect::<Vec<_>>().join(","),
            (0..200).map(|i| format!(r#"{{"i":[{i}],"j":{{"k":[[{i}]]}}}}"#)).collect::<Vec<_>>().join(","),
            "é{}[]:,".repeat(100)
        );
        let mut want = reference(&big).expect("valid");
        want.sort();
        assert_eq!(normalised(collect(&big).expect("scans")), want);
    }

    #[test]
    fn elements_of_arrays() {
        let arrays = [
            "[]",
            " [ 1 , \"a,]\" ,[2,[3]],{\"k\":[]},null,true,-0.5e-3 ] ",
            r#"[{"countries":["IR","DE"],"institutions":[{"country_code":"IR","lineage":["x"]}]},{}]"#,
        ];
        for a in arrays {
            let mut got = Vec::new();
            elements(a.as_bytes(), |v| {
                got.push(serde_json::from_slice::<serde_json::Value>(v).expect("element is JSON").to_string());
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{a}: {e}"));
            let want: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(a)
                .expect("valid")
                .iter()
                .map(|v| v.to_string())
                .collect();
            assert_eq!(got, want, "{a}");
        }
        for bad in ["[1,]", "[,1]", "[1 2]", "[1:2]", "[1}", "{}", "[[1]", "[1]]", "[\"a]", "[1] x"] {
            assert!(elements(bad.as_bytes(), |_| Ok(())).is_err(), "accepted {bad}");
        }
        assert!(object_fields(b"[1]", |_, _| Ok(())).is_err());
    }

    #[test]
    fn rejects_malformed_lines() {
        let bad = [
            "",
            "[1,2]",
            r#"{"a":1"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":1}}"#,
            r#"{"a":1} {"b":2}"#,
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{a:1}"#,
            r#"{"a":[1,2}"#,
            r#"{"a":{"b":1]}"#,
            r#"{"a":}"#,
            r#"{"a":tru}"#,
            r#"{"a":1 2}"#,
            r#"{"a":1,"b":[{"c":2}"#,
            r#"{"a":1]"#,
            r#"{"a":[1] [2]}"#,
            r#"{"a":"x" "y"}"#,
            r#"{"a":"x\"}"#,
            r#"{{"a":1}}"#,
            r#"{"a":1,{"b":2}}"#,
            r#"{"a":1}x"#,
            "{\"a\":\"\u{0}\",\"b\":\"x\"",
        ];
        for s in bad {
            assert!(collect(s).is_err(), "accepted {s:?}");
        }
        // every cut of a valid line is rejected
        let full = r#"{"id":"W1","authorships":[{"countries":["IR"],"institutions":[{"id":"I1"}]}],"abstract_inverted_index":{"a":[0],"b":[1,2]},"x":"y"}"#;
        for cut in 1..full.len() {
            assert!(collect(&full[..cut]).is_err(), "accepted cut at {cut}");
        }
        assert!(fields(&[b'{', b'"', 0xff, b'"', b':', b'1', b'}'], |_, _| Ok(())).is_err());
    }
}
