//! Request signing: TC3-HMAC-SHA256 and the legacy HmacSHA1/HmacSHA256 methods.
