//! Problems found in a spec, collected and reported together.
//!
//! Every stage that can find a problem pushes a [`Diagnostic`] into one [`Diagnostics`] and goes
//! on, so that an author sees all problems of a file in one build. Each diagnostic names the
//! JSON path of the offending value; the spec file is added when they are rendered.

use std::fmt;

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// One problem in a spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file as the author wrote its path.
    pub file: String,
    /// Line and column, when known (JSON syntax and type errors).
    pub position: Option<(usize, usize)>,
    /// The JSON path of the offending value (`$.request[3].range`).
    pub json_path: String,
    /// What is wrong, and where useful what would be right.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.json_path.is_empty() {
            write!(f, ": {}", self.json_path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The problems of one expansion, in the order found.
#[derive(Debug, Default)]
pub struct Diagnostics {
    file: String,
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// A collector for problems in `file` (the path as written by the author).
    pub fn new(file: impl Into<String>) -> Self {
        Diagnostics {
            file: file.into(),
            items: Vec::new(),
        }
    }

    /// Records a problem at `json_path`.
    pub fn error(&mut self, json_path: impl Into<String>, message: impl Into<String>) {
        self.items.push(Diagnostic {
            file: self.file.clone(),
            position: None,
            json_path: json_path.into(),
            message: message.into(),
        });
    }

    /// Records a problem with a known line and column.
    pub fn error_at(
        &mut self,
        position: (usize, usize),
        json_path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.items.push(Diagnostic {
            file: self.file.clone(),
            position: Some(position),
            json_path: json_path.into(),
            message: message.into(),
        });
    }

    /// Adds the problems of another collector.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The problems found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// The file these diagnostics are about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// One `compile_error!` per problem, all at `span`.
    pub fn to_compile_errors(&self, span: Span) -> TokenStream {
        self.items
            .iter()
            .map(|d| {
                let message = d.to_string();
                quote_spanned!(span=> ::core::compile_error!(#message);)
            })
            .collect()
    }
}
