//! The scalar types of the spec format: the one table of their names in a spec (`uint64`), the
//! Rust type the generator gives each, and the bounds of each integer type. The generator
//! (`gaap-codegen`) resolves a member's `type` with it; the `gaap` command parses and checks
//! command-line values with it.

/// Integer widths of the spec format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntTy {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

impl IntTy {
    /// The smallest and largest value of the type.
    pub fn bounds(self) -> (i128, i128) {
        match self {
            IntTy::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntTy::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntTy::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntTy::I64 => (i64::MIN.into(), i64::MAX.into()),
            IntTy::U8 => (0, u8::MAX.into()),
            IntTy::U16 => (0, u16::MAX.into()),
            IntTy::U32 => (0, u32::MAX.into()),
            IntTy::U64 => (0, u64::MAX.into()),
        }
    }
}

/// The scalar types of the spec format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    Bool,
    Float,
    Int(IntTy),
}

/// One row of the table of scalar types.
struct ScalarRow {
    /// The name in a spec's `type`.
    spec: &'static str,
    /// The Rust type, as path segments (`std::string::String` is printed with a leading `::`).
    rust: &'static [&'static str],
}

impl Scalar {
    /// Every scalar type, in the order the spec format documents them.
    pub const ALL: [Scalar; 11] = [
        Scalar::String,
        Scalar::Bool,
        Scalar::Float,
        Scalar::Int(IntTy::I8),
        Scalar::Int(IntTy::I16),
        Scalar::Int(IntTy::I32),
        Scalar::Int(IntTy::I64),
        Scalar::Int(IntTy::U8),
        Scalar::Int(IntTy::U16),
        Scalar::Int(IntTy::U32),
        Scalar::Int(IntTy::U64),
    ];

    /// The one table of scalar types: the spec's name and the Rust type of each.
    fn row(self) -> ScalarRow {
        let (spec, rust): (&'static str, &'static [&'static str]) = match self {
            Scalar::String => ("string", &["std", "string", "String"]),
            Scalar::Bool => ("bool", &["bool"]),
            Scalar::Float => ("float", &["f64"]),
            Scalar::Int(IntTy::I8) => ("int8", &["i8"]),
            Scalar::Int(IntTy::I16) => ("int16", &["i16"]),
            Scalar::Int(IntTy::I32) => ("int32", &["i32"]),
            Scalar::Int(IntTy::I64) => ("int64", &["i64"]),
            Scalar::Int(IntTy::U8) => ("uint8", &["u8"]),
            Scalar::Int(IntTy::U16) => ("uint16", &["u16"]),
            Scalar::Int(IntTy::U32) => ("uint32", &["u32"]),
            Scalar::Int(IntTy::U64) => ("uint64", &["u64"]),
        };
        ScalarRow { spec, rust }
    }

    /// The name of the type in a spec (`uint64`).
    pub fn spec_name(self) -> &'static str {
        self.row().spec
    }

    /// The Rust type as path segments: one segment for a primitive (`u64`), else a path from the
    /// crate root (`std::string::String`).
    pub fn rust_path(self) -> &'static [&'static str] {
        self.row().rust
    }

    /// The scalar type a spec names, if any.
    pub fn from_spec(name: &str) -> Option<Scalar> {
        Scalar::ALL.into_iter().find(|s| s.spec_name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_scalar_name_is_in_the_table_with_its_integer_bounds() {
        // The scalar names specs/README.md lists.
        let documented = [
            "string", "bool", "float", "int8", "int16", "int32", "int64", "uint8", "uint16",
            "uint32", "uint64",
        ];
        assert_eq!(Scalar::ALL.map(Scalar::spec_name), documented);
        for name in documented {
            assert_eq!(Scalar::from_spec(name).map(Scalar::spec_name), Some(name));
        }
        assert_eq!(Scalar::from_spec("TagPair"), None);
        assert_eq!(Scalar::from_spec("int8"), Some(Scalar::Int(IntTy::I8)));
        assert_eq!(IntTy::I8.bounds(), (-128, 127));
        assert_eq!(IntTy::U64.bounds(), (0, i128::from(u64::MAX)));
        assert_eq!(IntTy::I64.bounds().0, i128::from(i64::MIN));
    }
}
