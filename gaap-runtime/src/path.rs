//! Where a value sits inside a request or response: `Ports[1]`, `CheckParams.StatusCode[0]`.
//!
//! Validation and decoding walk nested values and name the offending one in their errors. The
//! path is a chain of borrowed segments on the stack, so walking costs nothing; it is rendered to
//! a string only when an error is reported.

use std::fmt;

/// The location of a value, as a chain from the value back to the root of the request or
/// response. Rendered with `.` between fields and `[i]` for array elements.
#[derive(Clone, Copy)]
pub struct Path<'a> {
    parent: Option<&'a Path<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Field(&'a str),
    Index(usize),
}

impl Path<'static> {
    /// The root of a request or response; rendered as the empty string.
    pub const ROOT: Path<'static> = Path {
        parent: None,
        segment: Segment::Root,
    };
}

impl<'a> Path<'a> {
    /// The path of field `name` of the value at `self`.
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Field(name),
        }
    }

    /// The path of element `index` of the array at `self`.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// The path as text: `Ports[1]`, `RealServerBindSet[0].RealServerId`; the root is `""`.
    pub fn render(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            fmt::Display::fmt(parent, f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Field(name) => {
                let at_root = matches!(
                    self.parent,
                    None | Some(Path {
                        segment: Segment::Root,
                        ..
                    })
                );
                if at_root {
                    f.write_str(name)
                } else {
                    write!(f, ".{name}")
                }
            }
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl fmt::Debug for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fields_and_indices() {
        let root = Path::ROOT;
        let set = root.field("RealServerBindSet");
        let first = set.index(0);
        let id = first.field("RealServerId");
        assert_eq!(id.render(), "RealServerBindSet[0].RealServerId");
        assert_eq!(root.field("Ports").index(1).render(), "Ports[1]");
        assert_eq!(root.render(), "");
    }
}
