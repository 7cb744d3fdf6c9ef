//! The engine's events. Each carries the generation (`epoch`) of the call or agent it
//! concerns, so a cancelled timer is recognised and skipped when it fires.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ev {
    Tick {
        task: u16,
    },
    Arrival {
        task: u16,
    },
    RingEnd {
        call: u32,
        epoch: u32,
    },
    PromptEnd {
        call: u32,
        epoch: u32,
    },
    /// Answering-machine detection has decided.
    AmdEnd {
        call: u32,
        epoch: u32,
    },
    TwoSeconds {
        call: u32,
        epoch: u32,
    },
    Patience {
        call: u32,
        epoch: u32,
    },
    AgentAnswer {
        call: u32,
        epoch: u32,
    },
    AgentTimeout {
        call: u32,
        epoch: u32,
    },
    TalkEnd {
        call: u32,
        epoch: u32,
    },
    IvrEnd {
        call: u32,
        epoch: u32,
    },
    WrapEnd {
        agent: u32,
        epoch: u32,
    },
    BreakStart {
        agent: u32,
    },
    BreakEnd {
        agent: u32,
    },
    /// A call the clairvoyant pacer planned is dialled now.
    Dial {
        call: u32,
        epoch: u32,
    },
    /// AutoStart: the task starts.
    AutoStart {
        task: u16,
        /// The task's schedule generation when it was scheduled.
        generation: u32,
    },
    /// AutoStop: the task pauses, or ends with ForceEndFlag.
    AutoStop {
        task: u16,
        /// The task's schedule generation when it was scheduled.
        generation: u32,
    },
    /// Midnight: RetryStrategyOnlyToday drops, daily call caps reset.
    DayEnd,
    /// An operator action of the scenario.
    Action {
        index: u16,
    },
    /// A PauseTask with PauseDuration has run its time.
    Resume {
        task: u16,
    },
    /// A task with `created_at_s` is created through the store.
    Create {
        task: u16,
    },
}
