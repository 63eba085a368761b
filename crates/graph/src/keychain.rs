//! Refresh tokens and client secrets in the OS keychain (Windows Credential
//! Manager, macOS Keychain, the Secret Service on Linux), and nowhere else:
//! when no keychain can be used, the caller is told, and nothing is written
//! anywhere instead.
//!
//! Windows Credential Manager keeps at most 2,560 bytes a credential (1,280
//! characters as it stores them), and Microsoft sets no limit on a refresh
//! token's length. So a secret longer than [`PART_BYTES`] is kept in parts,
//! on every platform alike: each part an entry of its own under the same
//! service (`<account>#a1`, `#a2`, …), and the account's own entry (the
//! head) naming how many parts there are and a digest of the whole. A
//! shorter secret is the head itself, as it always was.
//!
//! A new long secret goes to the other set of parts (`#b…` when the head
//! names `#a…`) and the head is written last, so until that moment the old
//! secret is still whole; then the old set is removed. Reading checks that
//! every part is there and that together they make the digest: a part
//! missing, or parts of two different writes, is said to be incomplete,
//! never returned cut short. Forgetting removes the head and every part.

use license_desk_core::{Error, ErrorCode};
use sha2::{Digest, Sha256};

/// The keychain service name every entry of License Desk's is filed under.
pub const SERVICE: &str = "License Desk";

/// The most a keychain entry holds, in UTF-8 bytes: a secret longer than
/// this is kept in parts. At most 2,000 bytes as UTF-16, well under
/// Windows' 2,560.
pub const PART_BYTES: usize = 1000;

/// The head of a secret kept in parts: `license-desk-parts/1 <set> <count> <digest>`.
const HEAD_PREFIX: &str = "license-desk-parts/1 ";

/// More parts than any real secret needs: a head naming more is damaged.
const MOST_PARTS: usize = 1000;

/// The two sets of parts a head may name.
const SETS: [char; 2] = ['a', 'b'];

/// One secret in the keychain, named by what it is for, e.g.
/// `refresh-token:worldwide:contoso.onmicrosoft.com:<client id>`.
pub struct Secret {
    account: String,
    entry: keyring::Entry,
}

fn unavailable(error: keyring::Error) -> Error {
    Error::new(
        ErrorCode::KeychainUnavailable,
        "The system keychain cannot be used, so License Desk keeps your sign-in for this session only. You will be asked to sign in again next time.",
    )
    .with_details(error.to_string())
}

fn incomplete(details: String) -> Error {
    Error::new(
        ErrorCode::KeychainUnavailable,
        "What License Desk kept in the system keychain is incomplete, so it cannot be used. Sign in again: it is then kept afresh.",
    )
    .with_details(details)
}

/// `value` in pieces of at most [`PART_BYTES`], cut between characters.
pub fn split(value: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = value;
    while rest.len() > PART_BYTES {
        let mut cut = PART_BYTES;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (part, after) = rest.split_at(cut);
        parts.push(part);
        rest = after;
    }
    parts.push(rest);
    parts
}

/// A digest of the whole secret, to know its parts belong together.
fn digest(value: &str) -> String {
    Sha256::digest(value.as_bytes())[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What a head of parts names: the set, how many parts, the digest.
struct Head {
    set: char,
    count: usize,
    digest: String,
}

impl Head {
    fn parse(value: &str) -> Option<Self> {
        let mut fields = value.strip_prefix(HEAD_PREFIX)?.split(' ');
        let set = fields.next()?.parse::<char>().ok().filter(|s| SETS.contains(s))?;
        let count = fields
            .next()?
            .parse::<usize>()
            .ok()
            .filter(|c| (1..=MOST_PARTS).contains(c))?;
        let digest = fields.next()?.to_owned();
        fields.next().is_none().then_some(Self { set, count, digest })
    }

    fn text(&self) -> String {
        format!("{HEAD_PREFIX}{} {} {}", self.set, self.count, self.digest)
    }
}

impl Secret {
    pub fn new(account: &str) -> Result<Self, Error> {
        keyring::Entry::new(SERVICE, account)
            .map(|entry| Self {
                account: account.to_owned(),
                entry,
            })
            .map_err(unavailable)
    }

    /// The entry of part `number` (from 1) of `set`.
    fn part(&self, set: char, number: usize) -> Result<keyring::Entry, Error> {
        keyring::Entry::new(SERVICE, &format!("{}#{set}{number}", self.account)).map_err(unavailable)
    }

    /// The head of parts kept now, if that is what the account holds.
    fn head(&self) -> Result<Option<Head>, Error> {
        match self.entry.get_password() {
            Ok(head) => Ok(Head::parse(&head)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(unavailable(error)),
        }
    }

    /// Keeps `value`, replacing what was kept, however long either is.
    pub fn save(&self, value: &str) -> Result<(), Error> {
        let old = self.head()?;
        // What the old head named is removed by its count; the rest of
        // both sets is probed for, as an interrupted write leaves parts
        // no head names.
        let known = |set: char| old.as_ref().filter(|h| h.set == set).map_or(0, |h| h.count);
        let parts = split(value);
        // A short secret that looks like a head is kept in parts too, so
        // it is never read as one.
        if parts.len() == 1 && !value.starts_with(HEAD_PREFIX) {
            self.entry.set_password(value).map_err(unavailable)?;
            return SETS
                .iter()
                .try_for_each(|&set| self.remove_parts(set, 1, known(set)));
        }
        // The set the head does not name, so the old secret stays whole
        // until the head says otherwise.
        let set = if old.as_ref().is_some_and(|h| h.set == 'a') {
            'b'
        } else {
            'a'
        };
        for (index, part) in parts.iter().enumerate() {
            self.part(set, index + 1)?
                .set_password(part)
                .map_err(unavailable)?;
        }
        self.remove_parts(set, parts.len() + 1, 0)?;
        let head = Head {
            set,
            count: parts.len(),
            digest: digest(value),
        };
        self.entry.set_password(&head.text()).map_err(unavailable)?;
        SETS.iter()
            .filter(|&&other| other != set)
            .try_for_each(|&other| self.remove_parts(other, 1, known(other)))
    }

    /// `None` when nothing is stored; an error when what is stored is
    /// incomplete (a part missing, or parts that do not belong together).
    pub fn load(&self) -> Result<Option<String>, Error> {
        let head = match self.entry.get_password() {
            Ok(value) if !value.starts_with(HEAD_PREFIX) => return Ok(Some(value)),
            Ok(value) => value,
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(error) => return Err(unavailable(error)),
        };
        let head =
            Head::parse(&head).ok_or_else(|| incomplete("its list of parts is unreadable".to_owned()))?;
        let mut value = String::new();
        for number in 1..=head.count {
            match self.part(head.set, number)?.get_password() {
                Ok(part) => value.push_str(&part),
                Err(keyring::Error::NoEntry) => {
                    return Err(incomplete(format!("part {number} of {} is missing", head.count)))
                }
                Err(error) => return Err(unavailable(error)),
            }
        }
        if digest(&value) != head.digest {
            return Err(incomplete(format!(
                "its {} parts do not make the secret they were written for",
                head.count
            )));
        }
        Ok(Some(value))
    }

    /// Forgets the secret and all its parts; forgetting nothing is fine.
    pub fn delete(&self) -> Result<(), Error> {
        let old = self.head()?;
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(error) => return Err(unavailable(error)),
        }
        SETS.iter().try_for_each(|&set| {
            let known = old.as_ref().filter(|h| h.set == set).map_or(0, |h| h.count);
            self.remove_parts(set, 1, known)
        })
    }

    /// Removes part `first` of `set` and every part after it: up to part
    /// `known` (what a head named) without looking, then as long as more
    /// are found. Parts are removed from the last, so an interruption
    /// never leaves a gap that hides the parts after it.
    fn remove_parts(&self, set: char, first: usize, known: usize) -> Result<(), Error> {
        let mut last = known.max(first - 1);
        while last < first + MOST_PARTS {
            match self.part(set, last + 1)?.get_password() {
                Ok(_) | Err(keyring::Error::BadEncoding(_)) => last += 1,
                Err(keyring::Error::NoEntry) => break,
                Err(error) => return Err(unavailable(error)),
            }
        }
        for number in (first..=last).rev() {
            match self.part(set, number)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => {}
                Err(error) => return Err(unavailable(error)),
            }
        }
        Ok(())
    }
}

/// The keychain account of a delegated sign-in's refresh token: one per
/// sign-in service, tenant and app registration.
pub fn refresh_token_account(target: &crate::auth::SignInTarget) -> String {
    format!(
        "refresh-token {} {} {}",
        target.endpoints.login, target.tenant, target.client_id
    )
}

/// The keychain account of an app registration's client secret.
pub fn client_secret_account(target: &crate::auth::SignInTarget) -> String {
    format!(
        "client-secret {} {} {}",
        target.endpoints.login, target.tenant, target.client_id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_between_characters_and_under_the_windows_limit() {
        assert_eq!(split(""), vec![""]);
        assert_eq!(split(&"x".repeat(PART_BYTES)).len(), 1);
        let long = "é€😀a".repeat(3000);
        let parts = split(&long);
        assert_eq!(parts.concat(), long);
        for part in &parts {
            assert!(part.len() <= PART_BYTES);
            // What Windows Credential Manager stores: UTF-16, 2,560 bytes at most.
            assert!(part.encode_utf16().count() * 2 <= 2560);
        }
        assert_eq!(split(&"x".repeat(10 * 1024)).len(), 11);
    }

    #[test]
    fn reads_only_well_formed_heads() {
        let head = Head {
            set: 'b',
            count: 11,
            digest: digest("secret"),
        };
        let parsed = Head::parse(&head.text()).unwrap();
        assert_eq!(
            (parsed.set, parsed.count, parsed.digest),
            ('b', 11, digest("secret"))
        );
        for damaged in [
            "license-desk-parts/1 ",
            "license-desk-parts/1 c 2 00",
            "license-desk-parts/1 a 0 00",
            "license-desk-parts/1 a 1001 00",
            "license-desk-parts/1 a two 00",
            "license-desk-parts/1 a 2 00 extra",
            "0.AXoA-a-refresh-token",
        ] {
            assert!(Head::parse(damaged).is_none(), "{damaged}");
        }
    }
}
