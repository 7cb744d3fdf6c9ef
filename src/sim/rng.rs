//! Per-entity random streams (common random numbers).
//!
//! Every random quantity of a customer comes from a stream keyed by (seed, number, attempt),
//! and every agent quantity from (seed, agent); so two runs that differ only in pacing see the
//! same customers.
//!
//! A stream is counter-based ([`Counter`]): its key is the entity's key mixed once, and its
//! n-th draw is SplitMix64's output for `key + n·γ`, one mixing step per draw. Nothing is
//! seeded or stored per number beyond two words, and the draw index is the counter: (seed,
//! entity, attempt, draw index) decides every value. SplitMix64 is a named, portable
//! algorithm (it passes BigCrush): a seed means the same customers next year.

use rand::TryRng;

/// SplitMix64's finaliser: a bijective mix of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What kind of entity a stream belongs to (keeps agent 5 and number 5 apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// A customer number's attempt.
    Number = 1,
    /// An agent.
    Agent = 2,
    /// A pacer's own randomness (Poisson arrivals).
    Pacer = 3,
    /// The task (e.g. random agent choice).
    Task = 4,
    /// Replication seeds.
    Replication = 5,
}

/// SplitMix64's increment, the golden ratio in 64 bits.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// A counter-based random stream: draw n is `mix(key + n·γ)` (SplitMix64).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    key: u64,
    n: u64,
}

impl Counter {
    /// The stream whose key is `key`.
    #[inline]
    pub fn new(key: u64) -> Counter {
        Counter { key, n: 0 }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_bits(&mut self) -> u64 {
        // mix() adds γ: draw n (from 1) is SplitMix64's n-th output from state `key`.
        let state = self.key.wrapping_add(self.n.wrapping_mul(GAMMA));
        self.n = self.n.wrapping_add(1);
        mix(state)
    }
}

impl TryRng for Counter {
    type Error = std::convert::Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next_bits() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_bits())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bits = self.next_bits().to_le_bytes();
            chunk.copy_from_slice(&bits[..chunk.len()]);
        }
        Ok(())
    }
}

/// The stream for `(seed, kind, id, sub)`.
#[inline]
pub fn stream(seed: u64, kind: Stream, id: u64, sub: u64) -> Counter {
    Counter::new(mix(mix(mix(
        seed ^ (kind as u64).wrapping_mul(0xa076_1d64_78bd_642f)
    ) ^ id)
        ^ sub))
}

/// The stream of one dialled number: its fate, time to answer, patience, talk and IVR time.
///
/// The layout of the keys (fixed: a seed must mean the same customers next year): the
/// entity is `task << 40 | number`; the sub-key is `attempt << 4 | backup` for the fate,
/// `1 << 40` for the customer's area code (the same for every attempt), and
/// `1 << 41 | attempt << 4 | backup` for the caller id shown.
pub mod number {
    use super::{Counter, Stream, stream};

    fn entity(task: u16, number: u64) -> u64 {
        (u64::from(task) << 40) | number
    }

    /// The fate of one attempt at a number (or at one of its backup numbers).
    #[inline]
    pub fn fate(seed: u64, task: u16, number: u64, attempt: u32, backup: u32) -> Counter {
        let sub = (u64::from(attempt) << 4) | u64::from(backup);
        stream(seed, Stream::Number, entity(task, number), sub)
    }

    /// The customer's area code (one draw per number, whatever the attempt).
    #[inline]
    pub fn area(seed: u64, task: u16, number: u64) -> Counter {
        stream(seed, Stream::Number, entity(task, number), 1 << 40)
    }

    /// The caller id shown on one attempt.
    #[inline]
    pub fn caller_id(seed: u64, task: u16, number: u64, attempt: u32, backup: u32) -> Counter {
        let sub = (1 << 41) | (u64::from(attempt) << 4) | u64::from(backup);
        stream(seed, Stream::Number, entity(task, number), sub)
    }
}

/// The streams of one agent. Sub-keys: the agent's `served`-th call (its answer delay and
/// whether it answers), `1 << 63 | served` (the wrap-up after it), `1 << 62 | k` (the agent's
/// random breaks of rule k).
pub mod agent {
    use super::{Counter, Stream, stream};

    /// The agent leg of the agent's `served`-th call.
    #[inline]
    pub fn answer(seed: u64, agent: u32, served: u64) -> Counter {
        stream(seed, Stream::Agent, u64::from(agent), served)
    }

    /// The wrap-up after the agent's `served`-th call.
    #[inline]
    pub fn wrapup(seed: u64, agent: u32, served: u64) -> Counter {
        stream(seed, Stream::Agent, u64::from(agent), served | (1 << 63))
    }

    /// The agent's breaks under random-break rule `rule`.
    pub fn random_breaks(seed: u64, agent: u32, rule: usize) -> Counter {
        stream(
            seed,
            Stream::Agent,
            u64::from(agent),
            (1 << 62) | rule as u64,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn a_counter_stream_is_splitmix64() {
        // SplitMix64 from seed 1234567 (the reference implementation's published outputs).
        let mut c = Counter::new(1_234_567);
        let got: Vec<u64> = (0..5).map(|_| c.next_bits()).collect();
        assert_eq!(
            got,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821
            ]
        );
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a = stream(42, Stream::Number, 7, 0).next_u64();
        assert_eq!(a, stream(42, Stream::Number, 7, 0).next_u64());
        assert_ne!(a, stream(42, Stream::Number, 7, 1).next_u64());
        assert_ne!(a, stream(42, Stream::Agent, 7, 0).next_u64());
        assert_ne!(a, stream(43, Stream::Number, 7, 0).next_u64());
    }
}
