//! Ids of the submessages whose replies the engine reads.

use crate::error::ContractError;

/// Submessages whose replies the engine reads.
#[repr(u64)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyId {
    /// The fund's `CoverShortfall` (reply always).
    Shortfall = 1,
    /// An automatic premium deposit (reply on error: the premium is kept).
    AutoSweep = 2,
    /// An open-interest report of any sweep (reply on error: ignored).
    IgnoreFailure = 3,
}

impl TryFrom<u64> for ReplyId {
    type Error = ContractError;

    fn try_from(id: u64) -> Result<Self, Self::Error> {
        match id {
            1 => Ok(ReplyId::Shortfall),
            2 => Ok(ReplyId::AutoSweep),
            3 => Ok(ReplyId::IgnoreFailure),
            _ => Err(ContractError::UnknownReplyId { id }),
        }
    }
}
