//! Maven: `ComparableVersion` as of Maven 3.9.
//!
//! The lowercased text splits on `.` and `-` and where digits meet letters; a `-`, and any
//! change between letters and digits, opens a nested list, so `1-1` is `[1, [1]]` while `1.1`
//! is `[1, 1]`. Trailing "null" items (`0`, the empty qualifier, empty lists) are dropped from
//! every list, which makes `1.0` == `1` and `1.0-alpha` == `1-alpha`. Qualifiers rank
//! `alpha`/`a` < `beta`/`b` < `milestone`/`m` < `rc`/`cr` < `snapshot` < `` (`ga`, `final`,
//! `release`) < `sp` < any other word (those alphabetically); `a`, `b` and `m` are aliases only
//! right before a digit. At one place a word < a list < a number, and against a missing item
//! `1-rc` < `1` < `1-sp` < `1.1`. Only ASCII digits count as digits (Java also takes other
//! Unicode digits).
//!
//! Maven's own comparison is not transitive for a few odd versions; see [`Seq::cmp_seq`] for
//! how this module keeps the order total without changing any documented comparison.

use std::cmp::Ordering;

use crate::digits::Digits;

#[derive(Debug, Clone)]
pub(crate) struct MavenVersion(Seq);

/// A list of items with, for each position, how the rest of the list from there compares with
/// nothing (Maven's `compareTo(null)`): the first item that is not "null" decides.
#[derive(Debug, Clone)]
struct Seq {
    items: Vec<Item>,
    rest_vs_nothing: Vec<Ordering>,
}

#[derive(Debug, Clone)]
enum Item {
    /// Maven keeps numbers as `int`, `long` or `BigInteger` by digit count, and a smaller type
    /// is less than a bigger one even when both are zero; `size` records the type.
    Number {
        size: u8,
        value: Digits,
    },
    Word(Qualifier),
    List(Seq),
}

/// Known qualifiers by rank, or any other word (which sorts after all of them).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    Known(u8),
    Other(Box<str>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// The rank of the empty qualifier: a release.
const RELEASE: Qualifier = Qualifier::Known(5);

/// Numbers with up to this many digits are Java `int`s, up to 18 `long`s, beyond `BigInteger`s.
const INT_DIGITS: usize = 9;
const LONG_DIGITS: usize = 18;

impl Qualifier {
    fn new(word: &str, followed_by_digit: bool) -> Self {
        let word = match (word, followed_by_digit) {
            ("a", true) => "alpha",
            ("b", true) => "beta",
            ("m", true) => "milestone",
            ("ga" | "final" | "release", _) => "",
            ("cr", _) => "rc",
            (word, _) => word,
        };
        match QUALIFIERS.iter().position(|&known| known == word) {
            Some(rank) => Qualifier::Known(rank as u8),
            None => Qualifier::Other(word.into()),
        }
    }
}

impl Item {
    fn number(digits: &str) -> Item {
        // Maven strips leading zeros except from an all-zero run, and sizes what is left.
        let stripped = digits.trim_start_matches('0');
        let kept = if stripped.is_empty() {
            digits
        } else {
            stripped
        };
        let size = if kept.len() <= INT_DIGITS {
            0
        } else if kept.len() <= LONG_DIGITS {
            1
        } else {
            2
        };
        Item::Number {
            size,
            value: Digits::new(digits),
        }
    }

    /// Maven's `isNull`: what normalisation drops from the end of a list.
    fn is_null(&self) -> bool {
        match self {
            Item::Number { value, .. } => value.is_zero(),
            Item::Word(q) => *q == RELEASE,
            Item::List(seq) => seq.items.is_empty(),
        }
    }

    /// Maven's `compareTo(null)`: how this item compares with a missing one.
    fn vs_nothing(&self) -> Ordering {
        match self {
            Item::Number { value, .. } if value.is_zero() => Ordering::Equal,
            Item::Number { .. } => Ordering::Greater,
            Item::Word(q) => q.cmp(&RELEASE),
            Item::List(seq) => seq.vs_nothing(),
        }
    }

    /// Two present items: same kinds by value, otherwise word < list < number.
    fn cmp_item(&self, other: &Item) -> Ordering {
        use Item::{List, Number, Word};
        match (self, other) {
            (Number { size: a, value: x }, Number { size: b, value: y }) => {
                a.cmp(b).then_with(|| x.cmp(y))
            }
            (Word(a), Word(b)) => a.cmp(b),
            (List(a), List(b)) => a.cmp_seq(b),
            _ => self.kind_rank().cmp(&other.kind_rank()),
        }
    }

    fn kind_rank(&self) -> u8 {
        match self {
            Item::Word(_) => 0,
            Item::List(_) => 1,
            Item::Number { .. } => 2,
        }
    }
}

impl Seq {
    /// Normalises (Maven's `ListItem.normalize`: drop null items from the end, looking past
    /// non-null lists) and records how each rest of the list compares with nothing.
    fn new(mut items: Vec<Item>) -> Seq {
        let mut i = items.len();
        while i > 0 {
            i -= 1;
            if items[i].is_null() {
                items.remove(i);
            } else if !matches!(items[i], Item::List(_)) {
                break;
            }
        }
        let mut rest_vs_nothing = vec![Ordering::Equal; items.len()];
        let mut rest = Ordering::Equal;
        for (slot, item) in rest_vs_nothing.iter_mut().zip(&items).rev() {
            rest = item.vs_nothing().then(rest);
            *slot = rest;
        }
        Seq {
            items,
            rest_vs_nothing,
        }
    }

    fn vs_nothing(&self) -> Ordering {
        self.rest_vs_nothing
            .first()
            .copied()
            .unwrap_or(Ordering::Equal)
    }

    /// Maven compares item by item and a missing item by `vs_nothing`. That relation is not
    /// transitive for some odd versions (`1` < `1.foo.1` < `1-alpha` < `1`; `2` < `2-1` <
    /// `2.0.beta.1` < `2`). Comparing how the two rests compare with nothing first keeps every
    /// comparison with a shorter version exactly as Maven makes it and makes the order total;
    /// it differs from Maven only inside such cycles.
    fn cmp_seq(&self, other: &Seq) -> Ordering {
        let len = self.items.len().max(other.items.len());
        for i in 0..len {
            let rest = |seq: &Seq| {
                seq.rest_vs_nothing
                    .get(i)
                    .copied()
                    .unwrap_or(Ordering::Equal)
            };
            let ordering = rest(self).cmp(&rest(other)).then_with(|| {
                match (self.items.get(i), other.items.get(i)) {
                    (Some(a), Some(b)) => a.cmp_item(b),
                    // A normalised list never ends in items equal to nothing.
                    _ => Ordering::Equal,
                }
            });
            if ordering.is_ne() {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_seq(&other.0)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

/// `ComparableVersion.parseVersion`. Every text is a version. A new list is always the last
/// item of its parent and later items all go into it, so the nesting is a chain, built here as
/// a stack of lists that is folded up (normalising each) at the end.
pub(crate) fn parse(text: &str) -> MavenVersion {
    let text = text.to_lowercase();
    let mut chain: Vec<Vec<Item>> = vec![Vec::new()];
    let mut in_digits = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        let token = &text[start..i];
        if c == '.' || c == '-' {
            let item = if token.is_empty() {
                Item::number("0")
            } else {
                parse_item(in_digits, token)
            };
            current(&mut chain).push(item);
            start = i + 1;
            if c == '-' {
                chain.push(Vec::new());
            }
        } else if c.is_ascii_digit() {
            if !in_digits && !token.is_empty() {
                // `1.0.X1` is read like `1.0-X1`, so a word before digits opens a list.
                if !current(&mut chain).is_empty() {
                    chain.push(Vec::new());
                }
                current(&mut chain).push(Item::Word(Qualifier::new(token, true)));
                start = i;
                chain.push(Vec::new());
            }
            in_digits = true;
        } else {
            if in_digits && !token.is_empty() {
                current(&mut chain).push(parse_item(true, token));
                start = i;
                chain.push(Vec::new());
            }
            in_digits = false;
        }
    }
    let tail = &text[start..];
    if !tail.is_empty() {
        if !in_digits && !current(&mut chain).is_empty() {
            chain.push(Vec::new());
        }
        current(&mut chain).push(parse_item(in_digits, tail));
    }
    MavenVersion(fold(chain))
}

fn current(chain: &mut Vec<Vec<Item>>) -> &mut Vec<Item> {
    if chain.is_empty() {
        chain.push(Vec::new());
    }
    let last = chain.len() - 1;
    &mut chain[last]
}

fn parse_item(digits: bool, token: &str) -> Item {
    if digits {
        Item::number(token)
    } else {
        Item::Word(Qualifier::new(token, false))
    }
}

/// Nests each list into its parent, innermost first, normalising each as Maven does.
fn fold(mut chain: Vec<Vec<Item>>) -> Seq {
    let mut inner = Seq::new(chain.pop().unwrap_or_default());
    while let Some(mut parent) = chain.pop() {
        parent.push(Item::List(inner));
        inner = Seq::new(parent);
    }
    inner
}
