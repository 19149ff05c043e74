//! Typestate markers of the generated request builders.
//!
//! A generated builder carries one type parameter per required parameter (and per
//! exactly-one-of group). It starts as [`Unset`]; the parameter's setter turns it into
//! [`Set<T>`], which holds the value. `build()` asks each slot for its value through
//! [`Required`], which only `Set<T>` implements, so forgetting a required parameter is a compile
//! error that names the parameter. Setters of an exactly-one-of group exist only while its slot is
//! [`Unset`] (the [`Unchosen`] bound), so setting two of them does not compile either.

/// A required slot that has not been given a value yet.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unset;

/// A slot holding its value.
#[derive(Clone, Debug)]
pub struct Set<T>(pub T);

/// Taking the value of a required slot. `P` is the generated marker type that names the
/// parameter, so that the compiler's message says which one is missing.
#[diagnostic::on_unimplemented(
    message = "the required parameter `{P}` is not set",
    label = "`{P}` is required by the API",
    note = "call the builder's setter for `{P}` before `build()`"
)]
pub trait Required<P, T> {
    /// The value the slot holds.
    fn take(self) -> T;
}

impl<P, T> Required<P, T> for Set<T> {
    fn take(self) -> T {
        self.0
    }
}

/// An exactly-one-of slot that is still open. `P` is the generated marker that names the group.
#[diagnostic::on_unimplemented(
    message = "`{P}` is already chosen: its parameters are mutually exclusive",
    label = "only one parameter of `{P}` may be set",
    note = "the API requires exactly one of the parameters of this group"
)]
pub trait Unchosen<P> {}

impl<P> Unchosen<P> for Unset {}
