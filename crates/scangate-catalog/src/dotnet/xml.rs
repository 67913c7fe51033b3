//! Streaming XML for the .NET formats: elements with their attributes and start lines, and text
//! with entity and character references resolved. quick-xml expands no user-defined entities,
//! so a hostile DTD cannot make it allocate without bound; nesting lives in a `Vec`, not the stack.

use crate::CatalogError;
use crate::support::LineIndex;
use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// A start (or empty) tag.
#[derive(Debug)]
pub struct Element {
    /// The local name, without a namespace prefix.
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The line of the `<`.
    pub line: u32,
}

impl Element {
    /// Whether the element is named `name`, ignoring ASCII case as MSBuild does.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The value of attribute `name`, ignoring ASCII case.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

pub enum Node {
    /// `<x ...>`: its content follows, up to the matching [`Node::Close`].
    Open(Element),
    /// `<x ... />`.
    Empty(Element),
    Close,
    Text(String),
    /// The end of the document.
    End,
}

pub struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    lines: LineIndex,
    /// Names and lines of the open elements, to name one left unclosed.
    open: Vec<(String, u32)>,
}

impl<'a> XmlReader<'a> {
    pub fn new(text: &'a str) -> XmlReader<'a> {
        XmlReader {
            reader: Reader::from_str(text),
            lines: LineIndex::new(text),
            open: Vec::new(),
        }
    }

    pub fn next(&mut self) -> Result<Node, CatalogError> {
        loop {
            let start = self.reader.buffer_position() as usize;
            let event = self.reader.read_event().map_err(|err| self.error(err))?;
            let line = self.lines.line(start);
            return Ok(match event {
                Event::Start(tag) => {
                    let element = self.element(&tag, line)?;
                    self.open.push((element.name.clone(), line));
                    Node::Open(element)
                }
                Event::Empty(tag) => Node::Empty(self.element(&tag, line)?),
                Event::End(_) => {
                    self.open.pop();
                    Node::Close
                }
                Event::Text(text) => Node::Text(
                    text.xml_content()
                        .map_err(|err| self.at(line, err))?
                        .into_owned(),
                ),
                Event::CData(data) => Node::Text(
                    data.decode()
                        .map_err(|err| self.at(line, err))?
                        .into_owned(),
                ),
                Event::GeneralRef(reference) => Node::Text(self.reference(&reference, line)?),
                Event::Eof => match self.open.last() {
                    Some((name, line)) => {
                        return Err(CatalogError::at(
                            *line,
                            format!("invalid XML: <{name}> is not closed"),
                        ));
                    }
                    None => Node::End,
                },
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            });
        }
    }

    /// The document element, which must be named `expected`.
    pub fn root(&mut self, expected: &str) -> Result<(), CatalogError> {
        loop {
            match self.next()? {
                Node::Open(element) | Node::Empty(element) if element.is(expected) => return Ok(()),
                Node::Open(element) | Node::Empty(element) => {
                    return Err(CatalogError::at(
                        element.line,
                        format!("the root element is <{}>, not <{expected}>", element.name),
                    ));
                }
                Node::Text(_) => {}
                Node::Close | Node::End => {
                    return Err(CatalogError::new(format!("no <{expected}> root element")));
                }
            }
        }
    }

    /// Reads past the content of the element just opened, through its end tag.
    pub fn skip(&mut self) -> Result<(), CatalogError> {
        self.text().map(drop)
    }

    /// The text inside the element just opened (child elements' text included), through its
    /// end tag, trimmed.
    pub fn text(&mut self) -> Result<String, CatalogError> {
        let depth = self.open.len();
        let mut text = String::new();
        while self.open.len() >= depth {
            match self.next()? {
                Node::Text(part) => text.push_str(&part),
                Node::Open(_) | Node::Empty(_) | Node::Close => {}
                Node::End => break,
            }
        }
        Ok(text.trim().to_string())
    }

    fn element(&self, tag: &BytesStart<'_>, line: u32) -> Result<Element, CatalogError> {
        let name = String::from_utf8_lossy(tag.local_name().as_ref()).into_owned();
        let mut attributes = Vec::new();
        for attribute in tag.attributes() {
            let attribute = attribute.map_err(|err| self.at(line, err))?;
            let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
            let value = attribute
                .decode_and_unescape_value(self.reader.decoder())
                .map_err(|err| self.at(line, err))?;
            attributes.push((key, value.into_owned()));
        }
        Ok(Element {
            name,
            attributes,
            line,
        })
    }

    fn reference(&self, reference: &BytesRef<'_>, line: u32) -> Result<String, CatalogError> {
        if let Some(c) = reference
            .resolve_char_ref()
            .map_err(|err| self.at(line, err))?
        {
            return Ok(c.to_string());
        }
        let name = reference.decode().map_err(|err| self.at(line, err))?;
        resolve_predefined_entity(&name)
            .map(str::to_owned)
            .ok_or_else(|| CatalogError::at(line, format!("invalid XML: unknown entity &{name};")))
    }

    fn error(&self, err: quick_xml::Error) -> CatalogError {
        let line = self.lines.line(self.reader.error_position() as usize);
        self.at(line, err)
    }

    fn at(&self, line: u32, err: impl std::fmt::Display) -> CatalogError {
        CatalogError::at(line, format!("invalid XML: {err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        let mut xml = XmlReader::new(text);
        loop {
            match xml.next() {
                Ok(Node::End) => return "no error".into(),
                Ok(_) => {}
                Err(err) => return format!("{}: {}", err.line.unwrap_or(0), err.message),
            }
        }
    }

    #[test]
    fn elements_carry_lines_attributes_and_resolved_text() {
        let mut xml = XmlReader::new(
            "<?xml version=\"1.0\"?>\n<!-- c -->\n<a x='1 &amp; 2'>\n <b>t&lt;&#65;</b></a>",
        );
        xml.root("A").unwrap();
        let Node::Text(_) = xml.next().unwrap() else {
            panic!()
        };
        let Node::Open(b) = xml.next().unwrap() else {
            panic!()
        };
        assert_eq!((b.name.as_str(), b.line), ("b", 4));
        assert_eq!(xml.text().unwrap(), "t<A");
        assert!(matches!(xml.next().unwrap(), Node::Close));
        assert!(matches!(xml.next().unwrap(), Node::End));
        let mut xml = XmlReader::new("<a x='1 &amp; 2'/>");
        let Node::Empty(a) = xml.next().unwrap() else {
            panic!()
        };
        assert_eq!(a.attr("X"), Some("1 & 2"));
    }

    #[test]
    fn malformed_documents_name_the_line() {
        assert_eq!(
            error("<a>\n<b>\n</a>"),
            "3: invalid XML: ill-formed document: expected `</b>`, but `</a>` was found"
        );
        assert_eq!(error("<a>\n<b>\n"), "2: invalid XML: <b> is not closed");
        assert_eq!(
            error("<a>&bogus;</a>"),
            "1: invalid XML: unknown entity &bogus;"
        );
        assert_eq!(
            XmlReader::new("<x/>").root("packages").unwrap_err().message,
            "the root element is <x>, not <packages>"
        );
    }
}
