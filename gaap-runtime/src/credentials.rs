//! Credentials: where the secret id, secret key and token come from.
