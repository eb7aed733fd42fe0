//! A bounds-checked cursor over untrusted bytes.
//!
//! Every read says how many bytes it needs; a short buffer yields
//! [`ParseError::Incomplete`] (the streaming decryptor waits for more input)
//! rather than a panic, and structural nonsense yields [`ParseError::Malformed`].

use crate::error::{AwsError, ErrorCode};

/// Why a parse did not produce a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The input ended before the structure did: more bytes may complete it.
    Incomplete,
    /// The bytes can never form a valid structure.
    Malformed(&'static str),
}

impl ParseError {
    /// The error a caller sees when the whole message has been supplied.
    pub fn into_aws(self) -> AwsError {
        match self {
            ParseError::Incomplete => malformed("the message is truncated"),
            ParseError::Malformed(why) => malformed(why),
        }
    }
}

/// An `InvalidCiphertextException` naming a structural (not cryptographic)
/// problem; structure is public, so saying what is wrong leaks nothing.
pub fn malformed(why: &str) -> AwsError {
    AwsError::new(ErrorCode::InvalidCiphertextException, format!("malformed ESDK message: {why}"))
}

/// A cursor over a byte slice.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts at the beginning of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not yet consumed.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let end = self.pos.checked_add(n).ok_or(ParseError::Malformed("length overflow"))?;
        let out = self.data.get(self.pos..end).ok_or(ParseError::Incomplete)?;
        self.pos = end;
        Ok(out)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], ParseError> {
        let bytes = self.take(N)?;
        bytes.try_into().map_err(|_| ParseError::Malformed("length mismatch"))
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, ParseError> {
        Ok(u8::from_be_bytes(self.array::<1>()?))
    }

    /// A big-endian u16.
    pub fn u16(&mut self) -> Result<u16, ParseError> {
        Ok(u16::from_be_bytes(self.array::<2>()?))
    }

    /// A big-endian u32.
    pub fn u32(&mut self) -> Result<u32, ParseError> {
        Ok(u32::from_be_bytes(self.array::<4>()?))
    }

    /// A u16 length followed by that many bytes.
    pub fn u16_prefixed(&mut self) -> Result<&'a [u8], ParseError> {
        let len = self.u16()?;
        self.take(usize::from(len))
    }
}

/// Appends a u16 length and `bytes`; fails when `bytes` is longer than a u16 can say.
pub fn put_u16_prefixed(out: &mut Vec<u8>, bytes: &[u8], what: &str) -> Result<(), AwsError> {
    let len =
        u16::try_from(bytes.len()).map_err(|_| AwsError::validation(format!("{what} is longer than 65535 bytes")))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}
