//! A small reader for Gradle's Groovy and Kotlin build-script DSLs: a tokenizer (strings with
//! `$` interpolation, comments, words, brackets) and a walk over statements that finds
//! dependency declarations and the string variables they use. It is not a Groovy or Kotlin
//! parser: what it does not recognise it leaves alone.

use crate::CatalogError;
use scangate_fsview::file_name;
use scangate_types::Scope;
use std::collections::HashMap;

/// Punctuation, two-character operators first so they win over their first character.
const PUNCTUATION: &[&str] = &[
    "==", "!=", "<=", ">=", "->", "?.", "?:", "::", "&&", "||", "!!", "+=", "-=", "..", "(", ")",
    "{", "}", "[", "]", ",", ".", ":", ";", "=", "+", "-", "*", "/", "%", "<", ">", "!", "?", "&",
    "|", "^", "~", "@", "#", "`",
];

/// Deepest nesting of Groovy map literals, project blocks and `platform(...)` calls followed.
const MAX_NESTING: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    Text(String),
    /// `${expression}` or `$name`, as written.
    Expr(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Str(Vec<Part>),
    Punct(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    tok: Tok,
    line: u32,
    /// A line break comes before this token: it may end a statement.
    newline_before: bool,
    /// For an opening bracket, how many tokens ahead its closing bracket is.
    span: usize,
}

impl Token {
    fn is(&self, punct: &str) -> bool {
        matches!(&self.tok, Tok::Punct(p) if *p == punct)
    }

    fn word(&self) -> Option<&str> {
        match &self.tok {
            Tok::Word(word) => Some(word),
            _ => None,
        }
    }
}

/// The text of a string without interpolation.
fn literal(parts: &[Part]) -> Option<String> {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => Some(text.as_str()),
            Part::Expr(_) => None,
        })
        .collect()
}

/// The parts of `tokens` when they are one string.
fn lone_string(tokens: &[Token]) -> Option<&[Part]> {
    match tokens {
        [token] => match &token.tok {
            Tok::Str(parts) => Some(parts),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `path` is a Gradle build script.
pub(crate) fn is_build_script(path: &str) -> bool {
    matches!(file_name(path), "build.gradle" | "build.gradle.kts")
}

// ---------------------------------------------------------------------------------------------
// Tokens.

/// The tokens of a build script, brackets matched.
pub(crate) fn tokenize(text: &str, kotlin: bool) -> Result<Vec<Token>, CatalogError> {
    let mut lexer = Lexer {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        kotlin,
        newline: true,
        tokens: Vec::new(),
    };
    lexer.run()?;
    match_brackets(&mut lexer.tokens)?;
    Ok(lexer.tokens)
}

struct Lexer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    line: u32,
    kotlin: bool,
    newline: bool,
    tokens: Vec<Token>,
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn rest(&self) -> &str {
        &self.text[self.pos..]
    }

    fn push(&mut self, tok: Tok, line: u32) {
        self.tokens.push(Token {
            tok,
            line,
            newline_before: std::mem::take(&mut self.newline),
            span: 0,
        });
    }

    fn run(&mut self) -> Result<(), CatalogError> {
        while let Some(b) = self.peek(0) {
            match b {
                b'\n' => {
                    self.line += 1;
                    self.newline = true;
                    self.pos += 1;
                }
                b if b.is_ascii_whitespace() => self.pos += 1,
                b'/' if self.peek(1) == Some(b'/') => self.skip_line(),
                b'/' if self.peek(1) == Some(b'*') => self.skip_block_comment()?,
                b'"' | b'\'' => self.string()?,
                b if is_word_byte(b) => self.word(),
                _ => self.punctuation(),
            }
        }
        Ok(())
    }

    fn skip_line(&mut self) {
        self.pos = self
            .rest()
            .find('\n')
            .map_or(self.bytes.len(), |n| self.pos + n);
    }

    /// Kotlin nests block comments; Groovy ends one at the first `*/`.
    fn skip_block_comment(&mut self) -> Result<(), CatalogError> {
        let start = self.line;
        let mut depth = 0;
        while self.pos < self.bytes.len() {
            if self.rest().starts_with("/*") && (depth == 0 || self.kotlin) {
                depth += 1;
                self.pos += 2;
            } else if self.rest().starts_with("*/") {
                depth -= 1;
                self.pos += 2;
                if depth == 0 {
                    return Ok(());
                }
            } else {
                self.advance_char();
            }
        }
        Err(CatalogError::at(start, "unterminated comment"))
    }

    /// Moves past one character, counting lines.
    fn advance_char(&mut self) -> char {
        let Some(c) = self.rest().chars().next() else {
            return '\0';
        };
        if c == '\n' {
            self.line += 1;
        }
        self.pos += c.len_utf8();
        c
    }

    fn word(&mut self) {
        let start = self.pos;
        while self.peek(0).is_some_and(is_word_byte) {
            self.pos += 1;
        }
        let word = self.text[start..self.pos].to_string();
        self.push(Tok::Word(word), self.line);
    }

    fn punctuation(&mut self) {
        let rest = self.rest();
        match PUNCTUATION.iter().find(|p| rest.starts_with(**p)) {
            Some(punct) => {
                self.pos += punct.len();
                self.push(Tok::Punct(punct), self.line);
            }
            // Anything else (a stray backslash, a control character) means nothing here.
            None => {
                self.advance_char();
            }
        }
    }

    fn string(&mut self) -> Result<(), CatalogError> {
        let quote = self.bytes[self.pos] as char;
        let triple = self.rest().starts_with(&quote.to_string().repeat(3));
        let delimiter = if triple {
            quote.to_string().repeat(3)
        } else {
            quote.to_string()
        };
        // Groovy interpolates double-quoted strings; Kotlin has no single-quoted strings.
        let interpolates = quote == '"';
        // Kotlin's triple-quoted strings are raw: a backslash is itself.
        let escapes = !(self.kotlin && triple);
        let start = self.line;
        self.pos += delimiter.len();
        let mut parts = Vec::new();
        let mut text = String::new();
        loop {
            if self.rest().starts_with(&delimiter) {
                self.pos += delimiter.len();
                break;
            }
            match self.peek(0) {
                None => return Err(CatalogError::at(start, "unterminated string")),
                Some(b'\n') if !triple => {
                    return Err(CatalogError::at(start, "unterminated string"));
                }
                Some(b'\\') if escapes => text.push(self.escape()),
                Some(b'$') if interpolates => match self.interpolation()? {
                    Some(expr) => {
                        if !text.is_empty() {
                            parts.push(Part::Text(std::mem::take(&mut text)));
                        }
                        parts.push(Part::Expr(expr));
                    }
                    None => text.push('$'),
                },
                Some(_) => text.push(self.advance_char()),
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(Part::Text(text));
        }
        self.push(Tok::Str(parts), start);
        Ok(())
    }

    fn escape(&mut self) -> char {
        self.pos += 1;
        match self.advance_char() {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'u' => {
                let hex = self.text.get(self.pos..self.pos + 4).unwrap_or("");
                match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => {
                        self.pos += 4;
                        c
                    }
                    None => 'u',
                }
            }
            other => other,
        }
    }

    /// After a `$` in an interpolating string: the expression, or `None` for a plain `$`.
    fn interpolation(&mut self) -> Result<Option<String>, CatalogError> {
        self.pos += 1;
        if self.peek(0) == Some(b'{') {
            let start_line = self.line;
            self.pos += 1;
            let start = self.pos;
            let mut depth = 1;
            while depth > 0 {
                match self.peek(0) {
                    None => return Err(CatalogError::at(start_line, "unterminated string")),
                    Some(b'{') => depth += 1,
                    Some(b'}') => depth -= 1,
                    Some(quote @ (b'"' | b'\'')) => self.skip_quoted(quote),
                    _ => {}
                }
                self.advance_char();
            }
            return Ok(Some(self.text[start..self.pos - 1].trim().to_string()));
        }
        let start = self.pos;
        loop {
            while self.peek(0).is_some_and(|b| is_word_byte(b) && b != b'$') {
                self.pos += 1;
            }
            // Groovy reads `$a.b.c` as a property path; Kotlin stops at the name.
            let dotted = !self.kotlin
                && self.peek(0) == Some(b'.')
                && self
                    .peek(1)
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
            if !dotted || self.pos == start {
                break;
            }
            self.pos += 1;
        }
        let name = &self.text[start..self.pos];
        if name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        {
            Ok(Some(name.to_string()))
        } else {
            self.pos = start;
            Ok(None)
        }
    }

    /// Inside `${...}`: moves to the closing quote of a nested string (left on it).
    fn skip_quoted(&mut self, quote: u8) {
        self.pos += 1;
        while let Some(b) = self.peek(0) {
            match b {
                b'\\' => self.pos += 1,
                b'\n' => return,
                b if b == quote => return,
                _ => {}
            }
            self.advance_char();
        }
    }
}

fn match_brackets(tokens: &mut [Token]) -> Result<(), CatalogError> {
    let mut open: Vec<(usize, &'static str)> = Vec::new();
    for i in 0..tokens.len() {
        let (punct, line) = match tokens[i].tok {
            Tok::Punct(punct) => (punct, tokens[i].line),
            _ => continue,
        };
        let opens = match punct {
            "(" | "[" | "{" => {
                open.push((i, punct));
                continue;
            }
            ")" => "(",
            "]" => "[",
            "}" => "{",
            _ => continue,
        };
        match open.pop() {
            None => return Err(CatalogError::at(line, format!("`{punct}` closes nothing"))),
            Some((start, opened)) if opened != opens => {
                let at = tokens[start].line;
                return Err(CatalogError::at(
                    line,
                    format!("`{punct}` does not close the `{opened}` opened at line {at}"),
                ));
            }
            Some((start, _)) => tokens[start].span = i - start,
        }
    }
    match open.last() {
        Some(&(start, punct)) => Err(CatalogError::at(
            tokens[start].line,
            format!("`{punct}` is never closed"),
        )),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Statements.

/// The statements of a block: split at line breaks (unless the line obviously continues) and
/// `;`, never inside brackets.
fn statements(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if i > begin && token.newline_before && !continues(&tokens[i - 1], token) {
            out.push(&tokens[begin..i]);
            begin = i;
        }
        if token.is(";") {
            if i > begin {
                out.push(&tokens[begin..i]);
            }
            begin = i + 1;
        }
        i += token.span + 1;
    }
    if begin < tokens.len() {
        out.push(&tokens[begin..]);
    }
    out
}

fn continues(last: &Token, next: &Token) -> bool {
    let ends_open = [",", ".", "?.", "=", "+", "&&", "||", "?:", "->", ":"];
    let starts_continued = [".", "?.", "?:", "&&", "||"];
    ends_open.iter().any(|p| last.is(p)) || starts_continued.iter().any(|p| next.is(p))
}

/// The tokens inside the bracket group opening at `i`, and the index after it.
fn group(tokens: &[Token], i: usize) -> (&[Token], usize) {
    let end = i + tokens[i].span;
    (&tokens[i + 1..end], end + 1)
}

/// `name { body }` or `name(...) { body }`.
fn block(stmt: &[Token]) -> Option<(&str, &[Token])> {
    let name = stmt.first()?.word()?;
    let mut i = 1;
    if stmt.get(i)?.is("(") {
        i = group(stmt, i).1;
    }
    if !stmt.get(i)?.is("{") {
        return None;
    }
    let (body, after) = group(stmt, i);
    (after == stmt.len()).then_some((name, body))
}

/// Splits at commas outside brackets.
fn split_commas(tokens: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut begin = 0;
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].is(",") {
            out.push(&tokens[begin..i]);
            begin = i + 1;
        }
        i += tokens[i].span + 1;
    }
    if begin < tokens.len() {
        out.push(&tokens[begin..]);
    }
    out
}

/// The property a reference names: `x`, `ext.x`, `rootProject.ext.x`, `extra["x"]`,
/// `property("x")`, `versions.spring`, `libs.versions.x.get()`, ... with the project and
/// extra-properties prefixes removed. `None` for anything else (arithmetic, calls).
pub(crate) fn reference_key(tokens: &[Token]) -> Option<String> {
    const PREFIXES: &[&str] = &["project", "rootProject", "ext", "extra", "properties"];
    const LOOKUPS: &[&str] = &["property", "findProperty", "getProperty", "get"];
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].tok {
            Tok::Word(word) if word == "as" => break,
            Tok::Word(word) => parts.push(word.clone()),
            Tok::Punct("." | "?." | "!!") => {}
            Tok::Punct("(" | "[") => {
                let (inner, after) = group(tokens, i);
                if inner.is_empty() {
                    // `.get()`, `.toString()`, `.asProvider()`: the value itself.
                    parts.pop();
                } else {
                    let name = lone_string(inner)?;
                    if tokens[i].is("(")
                        && !parts.pop().is_some_and(|f| LOOKUPS.contains(&f.as_str()))
                    {
                        return None;
                    }
                    parts.push(literal(name)?);
                }
                i = after;
                continue;
            }
            _ => return None,
        }
        i += 1;
    }
    while parts.len() > 1 && PREFIXES.contains(&parts[0].as_str()) {
        parts.remove(0);
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

// ---------------------------------------------------------------------------------------------
// Variables.

/// String variables a script defines for the project: `def`/`val`/`var` and assignments at the
/// top level or in `buildscript`/`allprojects`/`subprojects`/`dependencies`, all in `ext { }`,
/// `ext.x = ...`, `extra["x"] = ...`, `ext.set("x", ...)`. A Groovy map literal
/// `versions = [spring: '5.3.17']` defines `versions.spring`.
pub(crate) fn variables(tokens: &[Token]) -> HashMap<String, Vec<Part>> {
    let mut vars = HashMap::new();
    collect_variables(tokens, 0, false, &mut vars);
    vars
}

fn collect_variables(
    tokens: &[Token],
    depth: usize,
    in_ext: bool,
    vars: &mut HashMap<String, Vec<Part>>,
) {
    if depth > MAX_NESTING {
        return;
    }
    for stmt in statements(tokens) {
        match block(stmt) {
            Some(("ext", body)) => collect_variables(body, depth + 1, true, vars),
            Some(("buildscript" | "allprojects" | "subprojects" | "dependencies", body))
                if !in_ext =>
            {
                collect_variables(body, depth + 1, false, vars)
            }
            Some(_) => {}
            None => assignment(stmt, vars),
        }
    }
}

fn assignment(stmt: &[Token], vars: &mut HashMap<String, Vec<Part>>) {
    // `def x`, `val x`, `final String x`: the declaration words before the name.
    let mut stmt = stmt;
    while stmt.len() > 1 && stmt[0].word().is_some() && stmt[1].word().is_some() {
        stmt = &stmt[1..];
    }
    if let Some((key, value)) = set_call(stmt) {
        return define(&key, value, vars, 0);
    }
    let Some(eq) = top_level_position(stmt, "=") else {
        return;
    };
    // Kotlin's `val x: String = ...`.
    let lhs = &stmt[..top_level_position(&stmt[..eq], ":").unwrap_or(eq)];
    if let Some(key) = reference_key(lhs) {
        define(&key, &stmt[eq + 1..], vars, 0);
    }
}

/// `ext.set("x", value)`, `extra.set("x", value)`, and `set("x", value)` inside `ext { }`.
fn set_call(stmt: &[Token]) -> Option<(String, &[Token])> {
    let open = last_element(stmt)?;
    let set = open.checked_sub(1)?;
    if !stmt[open].is("(") || stmt[set].word() != Some("set") {
        return None;
    }
    let owner = &stmt[..set];
    if !owner.is_empty() && !matches!(reference_key(owner).as_deref(), Some("ext" | "extra")) {
        return None;
    }
    match split_commas(group(stmt, open).0).as_slice() {
        [key, value] => Some((literal(lone_string(key)?)?, value)),
        _ => None,
    }
}

/// The index where the last element (a token or a bracket group) of `tokens` starts.
fn last_element(tokens: &[Token]) -> Option<usize> {
    let mut i = 0;
    let mut last = None;
    while i < tokens.len() {
        last = Some(i);
        i += tokens[i].span + 1;
    }
    last
}

fn top_level_position(tokens: &[Token], punct: &str) -> Option<usize> {
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].is(punct) {
            return Some(i);
        }
        i += tokens[i].span + 1;
    }
    None
}

fn define(key: &str, value: &[Token], vars: &mut HashMap<String, Vec<Part>>, depth: usize) {
    if let Some(parts) = lone_string(value) {
        vars.insert(key.to_string(), parts.to_vec());
        return;
    }
    match value {
        [open, ..] if open.is("[") && open.span == value.len() - 1 && depth < MAX_NESTING => {
            for entry in split_commas(group(value, 0).0) {
                let name = match entry.first().map(|t| &t.tok) {
                    Some(Tok::Word(word)) => Some(word.clone()),
                    Some(Tok::Str(parts)) => literal(parts),
                    _ => None,
                };
                if let (Some(name), true) = (name, entry.get(1).is_some_and(|t| t.is(":"))) {
                    define(&format!("{key}.{name}"), &entry[2..], vars, depth + 1);
                }
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Dependency declarations.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Notation {
    /// `"group:artifact:version"`, interpolation unresolved.
    Text(Vec<Part>),
    /// `group: 'g', name: 'a', version: 'v'` and Kotlin's `kotlin("stdlib")`.
    Module {
        group: Vec<Part>,
        name: Vec<Part>,
        version: Option<Vec<Part>>,
    },
    /// A variable holding a notation (`deps.guava`).
    Reference(String),
    /// A version catalog accessor without the `libs.` (`some.lib`, `bundles.x`).
    Catalog(String),
    /// Something the reader does not follow.
    Unsupported,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Declaration {
    pub configuration: String,
    pub notation: Notation,
    pub line: u32,
}

/// The declarations of `dependencies { }` blocks at the top level, in `allprojects` and
/// `subprojects`, and `buildscript` (its `classpath` entries).
pub(crate) fn declarations(tokens: &[Token]) -> Vec<Declaration> {
    let mut out = Vec::new();
    for stmt in statements(tokens) {
        match block(stmt) {
            Some(("dependencies", body)) => dependency_block(body, &mut out),
            Some(("allprojects" | "subprojects" | "buildscript", body)) => {
                for inner in statements(body) {
                    if let Some(("dependencies", body)) = block(inner) {
                        dependency_block(body, &mut out);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn dependency_block(body: &[Token], out: &mut Vec<Declaration>) {
    for stmt in statements(body) {
        let Some((configuration, args)) = configuration_call(stmt) else {
            continue;
        };
        let named = split_commas(args).iter().any(|arg| {
            arg.len() > 2 && arg[0].word().is_some() && (arg[1].is(":") || arg[1].is("="))
        });
        let notations = if named {
            vec![(map_notation(args), args[0].line)]
        } else {
            split_commas(args)
                .into_iter()
                .filter(|arg| !arg.is_empty())
                .filter_map(|arg| Some((notation(arg, 0)?, arg[0].line)))
                .collect()
        };
        out.extend(notations.into_iter().map(|(notation, line)| Declaration {
            configuration: configuration.clone(),
            notation,
            line,
        }));
    }
}

/// `conf(args) { ... }`, `conf args { ... }` and Kotlin's `"conf"(args)`.
fn configuration_call(stmt: &[Token]) -> Option<(String, &[Token])> {
    const NOT_CONFIGURATIONS: &[&str] = &[
        "if", "else", "for", "while", "when", "try", "return", "println", "print", "throw", "def",
        "val", "var",
    ];
    let configuration = match &stmt.first()?.tok {
        Tok::Word(word) if !NOT_CONFIGURATIONS.contains(&word.as_str()) => word.clone(),
        Tok::Str(parts) => literal(parts)?,
        _ => return None,
    };
    let second = stmt.get(1)?;
    let args = if second.is("(") {
        group(stmt, 1).0
    } else if matches!(second.tok, Tok::Word(_) | Tok::Str(_)) {
        // Groovy's call without parentheses, maybe followed by a configuring closure.
        let end = stmt.iter().position(|t| t.is("{")).unwrap_or(stmt.len());
        &stmt[1..end]
    } else {
        return None;
    };
    (!args.is_empty()).then_some((configuration, args))
}

/// One positional notation; `None` for what is not an external module (projects, files).
fn notation(arg: &[Token], depth: usize) -> Option<Notation> {
    const NOT_MODULES: &[&str] = &[
        "project",
        "files",
        "fileTree",
        "gradleApi",
        "localGroovy",
        "gradleTestKit",
    ];
    if let Some(parts) = lone_string(arg) {
        return Some(Notation::Text(parts.to_vec()));
    }
    if let [function, open, ..] = arg
        && let (Some(function), true) =
            (function.word(), open.is("(") && open.span == arg.len() - 2)
    {
        let inner = group(arg, 1).0;
        return match function {
            "platform" | "enforcedPlatform" | "testFixtures"
                if !inner.is_empty() && depth < MAX_NESTING =>
            {
                notation(inner, depth + 1)
            }
            "kotlin" => Some(kotlin_module(inner)),
            f if NOT_MODULES.contains(&f) => None,
            _ => Some(Notation::Unsupported),
        };
    }
    Some(match reference_key(arg) {
        Some(key) => match key.strip_prefix("libs.") {
            Some(accessor) => Notation::Catalog(accessor.to_string()),
            None => Notation::Reference(key),
        },
        None => Notation::Unsupported,
    })
}

/// Kotlin's `kotlin("stdlib", "1.9.0")`: `org.jetbrains.kotlin:kotlin-stdlib`.
fn kotlin_module(args: &[Token]) -> Notation {
    let strings: Option<Vec<Vec<Part>>> = split_commas(args)
        .into_iter()
        .map(|arg| lone_string(arg).map(<[Part]>::to_vec))
        .collect();
    match strings.as_deref() {
        Some([module, version @ ..]) if version.len() <= 1 => {
            let mut name = vec![Part::Text("kotlin-".to_string())];
            name.extend(module.iter().cloned());
            Notation::Module {
                group: vec![Part::Text("org.jetbrains.kotlin".to_string())],
                name,
                version: version.first().cloned(),
            }
        }
        _ => Notation::Unsupported,
    }
}

/// `group: 'g', name: 'a', version: 'v'` (Groovy) or `group = "g", ...` (Kotlin).
fn map_notation(args: &[Token]) -> Notation {
    let mut values: HashMap<&str, Vec<Part>> = HashMap::new();
    for arg in split_commas(args) {
        let (Some(key), true) = (arg.first().and_then(Token::word), arg.len() > 2) else {
            continue;
        };
        if !arg[1].is(":") && !arg[1].is("=") {
            continue;
        }
        let value = &arg[2..];
        let parts = match lone_string(value) {
            Some(parts) => Some(parts.to_vec()),
            None => reference_key(value).map(|key| vec![Part::Expr(key)]),
        };
        if let Some(parts) = parts {
            values.insert(key, parts);
        }
    }
    match (values.remove("group"), values.remove("name")) {
        (Some(group), Some(name)) => Notation::Module {
            group,
            name,
            version: values.remove("version"),
        },
        _ => Notation::Unsupported,
    }
}

/// The scope a configuration gives: `implementation`/`api` ship, `runtimeOnly` is runtime,
/// `compileOnly` provided, anything of a test source set test, annotation processors and the
/// buildscript classpath build. Source-set and variant prefixes (`debugImplementation`) count.
pub(crate) fn configuration_scope(configuration: &str) -> Option<Scope> {
    const BASES: &[(&str, Scope)] = &[
        ("compileOnlyApi", Scope::Prod),
        ("compileOnly", Scope::Provided),
        ("runtimeOnly", Scope::Runtime),
        ("implementation", Scope::Prod),
        ("api", Scope::Prod),
        ("providedCompile", Scope::Provided),
        ("providedRuntime", Scope::Provided),
        ("compile", Scope::Prod),
        ("runtime", Scope::Runtime),
    ];
    let lower = configuration.to_ascii_lowercase();
    if lower.contains("annotationprocessor")
        || lower.starts_with("kapt")
        || lower.starts_with("ksp")
        || configuration == "classpath"
    {
        return Some(Scope::Build);
    }
    if configuration.starts_with("test") || configuration.contains("Test") {
        return Some(Scope::Test);
    }
    BASES
        .iter()
        .find(|(base, _)| configuration == *base || configuration.ends_with(&capitalized(base)))
        .map(|(_, scope)| *scope)
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, kotlin: bool) -> Vec<Tok> {
        tokenize(text, kotlin)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    fn text(s: &str) -> Part {
        Part::Text(s.to_string())
    }

    fn expr(s: &str) -> Part {
        Part::Expr(s.to_string())
    }

    #[test]
    fn strings_comments_and_interpolation() {
        let groovy = "a 'x$y' /* c */ \"g:$v.w:${m[\"k\"]}\" // d\n'''t\n''' \"\\$no\"";
        assert_eq!(
            kinds(groovy, false),
            [
                Tok::Word("a".into()),
                Tok::Str(vec![text("x$y")]),
                Tok::Str(vec![text("g:"), expr("v.w"), text(":"), expr("m[\"k\"]")]),
                Tok::Str(vec![text("t\n")]),
                Tok::Str(vec![text("$no")]),
            ]
        );
        assert_eq!(
            kinds("\"$v.w\" \"\"\"a\\n$b\"\"\" /* /* */ */ x", true),
            [
                Tok::Str(vec![expr("v"), text(".w")]),
                Tok::Str(vec![text("a\\n"), expr("b")]),
                Tok::Word("x".into()),
            ]
        );
        assert_eq!(kinds("\"\"", true), [Tok::Str(vec![text("")])]);
    }

    #[test]
    fn broken_scripts_are_errors_with_lines() {
        let err = |text: &str| tokenize(text, false).unwrap_err();
        assert_eq!(
            err("a {\n b '1\n}"),
            CatalogError::at(2, "unterminated string")
        );
        assert_eq!(
            err("a {\n b(\n}"),
            CatalogError::at(3, "`}` does not close the `(` opened at line 2")
        );
        assert_eq!(err("a {\n"), CatalogError::at(1, "`{` is never closed"));
        assert_eq!(err(")"), CatalogError::at(1, "`)` closes nothing"));
        assert_eq!(err("/* x"), CatalogError::at(1, "unterminated comment"));
        assert_eq!(err("\"${x"), CatalogError::at(1, "unterminated string"));
        assert_eq!(err("'x\\"), CatalogError::at(1, "unterminated string"));
        assert_eq!(err("\"${'\\"), CatalogError::at(1, "unterminated string"));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let depth = 50_000;
        let nested = format!(
            "{}ext {{ x = '1' }}{}",
            "subprojects {\n".repeat(depth),
            "}\n".repeat(depth)
        );
        assert!(variables(&tokenize(&nested, false).unwrap()).is_empty());
        let platforms = format!(
            "dependencies {{ implementation {}'g:a:1'{} }}",
            "platform(".repeat(depth),
            ")".repeat(depth)
        );
        let found = declarations(&tokenize(&platforms, false).unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].notation, Notation::Unsupported);
        let shallow = "ext { v = '1' }\nsubprojects { ext.w = \"$v\" }";
        let vars = variables(&tokenize(shallow, false).unwrap());
        assert_eq!(vars["v"], [Part::Text("1".into())]);
        assert_eq!(vars["w"], [Part::Expr("v".into())]);
    }

    #[test]
    fn references_name_properties() {
        let key = |s: &str| reference_key(&tokenize(s, true).unwrap());
        assert_eq!(
            key("rootProject.ext.springVersion").as_deref(),
            Some("springVersion")
        );
        assert_eq!(key("extra[\"x\"]").as_deref(), Some("x"));
        assert_eq!(
            key("project.property(\"x\") as String").as_deref(),
            Some("x")
        );
        assert_eq!(
            key("libs.versions.spring.get()").as_deref(),
            Some("libs.versions.spring")
        );
        assert_eq!(key("versions.spring").as_deref(), Some("versions.spring"));
        assert_eq!(key("a + b"), None);
        assert_eq!(key("foo(\"x\")"), None);
    }

    #[test]
    fn configurations_give_scopes() {
        let cases = [
            ("implementation", Some(Scope::Prod)),
            ("debugImplementation", Some(Scope::Prod)),
            ("api", Some(Scope::Prod)),
            ("compileOnlyApi", Some(Scope::Prod)),
            ("compileOnly", Some(Scope::Provided)),
            ("runtimeOnly", Some(Scope::Runtime)),
            ("testImplementation", Some(Scope::Test)),
            ("androidTestImplementation", Some(Scope::Test)),
            ("testAnnotationProcessor", Some(Scope::Build)),
            ("kapt", Some(Scope::Build)),
            ("classpath", Some(Scope::Build)),
            ("developmentOnly", None),
            ("openapi", None),
        ];
        for (configuration, scope) in cases {
            assert_eq!(configuration_scope(configuration), scope, "{configuration}");
        }
    }
}
