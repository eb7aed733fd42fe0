//! `GetRandomPassword`'s generator, drawing from the simulator's entropy.

use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::Simulator;

/// The punctuation characters Secrets Manager may include.
pub const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// What to generate.
#[derive(Clone, Debug, Default)]
pub struct PasswordSpec {
    /// 1–4096 (default 32).
    pub length: usize,
    /// Characters never to use.
    pub exclude_characters: String,
    /// No digits.
    pub exclude_numbers: bool,
    /// No punctuation.
    pub exclude_punctuation: bool,
    /// No upper case letters.
    pub exclude_uppercase: bool,
    /// No lower case letters.
    pub exclude_lowercase: bool,
    /// Allow the space character.
    pub include_space: bool,
    /// At least one character of every included type.
    pub require_each_included_type: bool,
}

/// A uniform index below `n` (rejection sampling; `n` ≥ 1).
fn uniform(sim: &mut Simulator, n: usize) -> AwsResult<usize> {
    let n32 = u32::try_from(n).map_err(|_| AwsError::validation("character set too large"))?;
    let zone = u32::MAX - (u32::MAX % n32);
    loop {
        let mut b = [0u8; 4];
        sim.random_bytes(&mut b)?;
        let v = u32::from_le_bytes(b);
        if v < zone {
            return usize::try_from(v % n32).map_err(|_| AwsError::validation("index overflow"));
        }
    }
}

/// The character classes a spec includes, after exclusions.
fn classes(spec: &PasswordSpec) -> Vec<Vec<char>> {
    let keep = |c: &char| !spec.exclude_characters.contains(*c);
    let mut out = Vec::new();
    if !spec.exclude_lowercase {
        out.push(('a'..='z').filter(keep).collect::<Vec<_>>());
    }
    if !spec.exclude_uppercase {
        out.push(('A'..='Z').filter(keep).collect());
    }
    if !spec.exclude_numbers {
        out.push(('0'..='9').filter(keep).collect());
    }
    if !spec.exclude_punctuation {
        out.push(PUNCTUATION.chars().filter(keep).collect());
    }
    if spec.include_space {
        out.push([' '].into_iter().filter(keep).collect());
    }
    out.into_iter().filter(|c: &Vec<char>| !c.is_empty()).collect()
}

/// Checks a spec before any randomness is drawn.
pub(crate) fn check(spec: &PasswordSpec) -> AwsResult<()> {
    let classes = classes(spec);
    if classes.is_empty() {
        return Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "The password can't be generated because every character type is excluded.",
        ));
    }
    if spec.require_each_included_type && spec.length < classes.len() {
        return Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "The password length is too short to include every required character type.",
        ));
    }
    Ok(())
}

/// Generates a password (checked with [`check`] first).
pub(crate) fn generate(sim: &mut Simulator, spec: &PasswordSpec) -> AwsResult<String> {
    check(spec)?;
    let classes = classes(spec);
    let all: Vec<char> = classes.iter().flatten().copied().collect();
    let mut chars: Vec<char> = Vec::with_capacity(spec.length);
    if spec.require_each_included_type {
        for class in &classes {
            let i = uniform(sim, class.len())?;
            chars.extend(class.get(i));
        }
    }
    while chars.len() < spec.length {
        let i = uniform(sim, all.len())?;
        chars.extend(all.get(i));
    }
    // Shuffle so the required characters are not always first (Fisher–Yates).
    for i in (1..chars.len()).rev() {
        let j = uniform(sim, i + 1)?;
        chars.swap(i, j);
    }
    Ok(chars.into_iter().collect())
}
