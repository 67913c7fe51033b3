//! RPM distributions: `[epoch:]version[-release]` ordered by `rpmvercmp`.
//!
//! The epoch compares as a number (missing is 0), then version, then release. `rpmvercmp` walks
//! runs of digits and of letters, skipping every other character: `~` sorts before anything
//! (even the end), `^` after the end but before anything else, letters before digits, digit runs
//! by value and letter runs bytewise. rpm skips the release when one side lacks it, which is
//! not an order; here a missing release sorts as an empty one (before any release).

use std::cmp::Ordering;

use crate::digits::Digits;

#[derive(Debug, Clone)]
pub(crate) struct RpmVersion {
    epoch: Digits,
    version: Vec<Token>,
    release: Vec<Token>,
}

/// What `rpmvercmp` sees; the variant order is its order between kinds, except that the end of
/// the string sits between `~` and `^` (see [`cmp_tokens`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Token {
    Tilde,
    Caret,
    Alpha(Box<str>),
    Num(Digits),
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_tokens(&self.version, &other.version))
            .then_with(|| cmp_tokens(&self.release, &other.release))
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

/// Compares token by token; a string that ends first is newer only than a `~` continuation.
fn cmp_tokens(a: &[Token], b: &[Token]) -> Ordering {
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| match (a.get(i), b.get(i)) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(x), None) => end_vs(x).reverse(),
            (None, Some(y)) => end_vs(y),
            (None, None) => Ordering::Equal,
        })
        .find(|ordering| ordering.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// How the end of a string compares with a token still present in the other.
fn end_vs(token: &Token) -> Ordering {
    match token {
        Token::Tilde => Ordering::Greater,
        _ => Ordering::Less,
    }
}

/// rpm's `parseEVR`: an epoch only when leading digits meet a `:`, the release after the last `-`.
pub(crate) fn parse(text: &str) -> Result<RpmVersion, String> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (epoch, rest) = match text[digits..].strip_prefix(':') {
        Some(rest) => (Digits::new(&text[..digits]), rest),
        None => (Digits::zero(), text),
    };
    let (version, release) = match rest.rsplit_once('-') {
        Some((_, "")) => return Err("empty release".into()),
        Some((version, release)) => (version, release),
        None => (rest, ""),
    };
    if version.is_empty() {
        return Err("empty version".into());
    }
    Ok(RpmVersion {
        epoch,
        version: tokens(version),
        release: tokens(release),
    })
}

/// Splits into `~`, `^`, letter runs and digit runs; other characters only separate.
fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        let run = |pred: fn(&u8) -> bool| bytes[at..].iter().take_while(|c| pred(c)).count();
        let (token, len) = match b {
            b'~' => (Token::Tilde, 1),
            b'^' => (Token::Caret, 1),
            b if b.is_ascii_digit() => {
                let len = run(u8::is_ascii_digit);
                (Token::Num(Digits::new(&text[at..at + len])), len)
            }
            b if b.is_ascii_alphabetic() => {
                let len = run(u8::is_ascii_alphabetic);
                (Token::Alpha(text[at..at + len].into()), len)
            }
            _ => {
                at += 1;
                continue;
            }
        };
        tokens.push(token);
        at += len;
    }
    tokens
}
