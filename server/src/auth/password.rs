//! Password hashing: argon2id with m = 19 MiB, t = 2, p = 1 (the OWASP
//! minimum), as a PHC string that carries its own parameters, so raising
//! them later still verifies old hashes.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;
/// Shortest password accepted when one is set.
pub const MIN_CHARS: usize = 8;
/// Longer input is refused before hashing: nobody types this much, and it
/// would only make an attacker's requests dearer for the server.
pub const MAX_BYTES: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("密码至少需要 {MIN_CHARS} 个字符")]
    TooShort,
    #[error("密码过长（最多 {MAX_BYTES} 字节）")]
    TooLong,
    #[error("密码哈希失败：{0}")]
    Hash(String),
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .expect("the constant argon2 parameters are within argon2's limits");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a new password with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    if password.chars().count() < MIN_CHARS {
        return Err(PasswordError::TooShort);
    }
    if password.len() > MAX_BYTES {
        return Err(PasswordError::TooLong);
    }
    argon2()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// True when `password` matches `stored`. With no stored hash (unknown user)
/// it still runs one full argon2 verification, so the answer takes as long
/// and does not tell which usernames exist.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        hash("no account has this password").expect("hashing a constant cannot fail")
    });
    let matches = PasswordHash::new(stored.unwrap_or(dummy))
        .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok());
    matches && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_the_required_cost_and_verify() {
        let h = hash("正确的密码123").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("正确的密码123", Some(&h)));
        assert!(!verify("错误的密码123", Some(&h)));
        assert!(!verify("正确的密码123", None));
        assert!(!verify("x", Some("not a phc string")));
        assert_ne!(hash("正确的密码123").unwrap(), h, "salts differ");
        assert!(matches!(hash("short"), Err(PasswordError::TooShort)));
    }
}
