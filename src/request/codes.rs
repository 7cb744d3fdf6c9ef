//! The enumeration codes of CreateTask, as Rust enums.
//!
//! Codes come from `shared/reference/enumerations.md`. Each enum knows its wire code
//! ([`Code::code`]) and its meaning ([`Code::describe`]), so validation messages and
//! `--help` text list the allowed values from one place. Codes marked *defined* there are
//! dialsim's own and are never renumbered.

use serde::{Deserialize, Serialize};

/// An enumeration carried on the wire as an integer code.
pub trait Code: Sized + Copy + 'static {
    /// Every variant, in code order.
    const ALL: &'static [Self];
    /// The wire code.
    fn code(self) -> i64;
    /// A short English meaning of the code.
    fn describe(self) -> &'static str;
    /// The variant for a wire code.
    fn from_code(code: i64) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == code)
    }
    /// "1 (predictive), 2 (automatic)": the allowed codes, for messages.
    fn allowed() -> String {
        Self::ALL
            .iter()
            .map(|v| format!("{} ({})", v.code(), v.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }
        impl Code for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn code(self) -> i64 {
                match self { $(Self::$variant => $code),+ }
            }
            fn describe(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }
    };
}

code_enum!(
    /// `Type`: what happens to answered calls. Immutable after creation.
    TaskType {
        /// Answered calls go to agents.
        Predictive = 1 => "predictive",
        /// Answered calls go to the IVR; no agents.
        Automatic = 2 => "automatic (IVR)",
    }
);

code_enum!(
    /// `AutoTaskType`: continuous calling, or only inside trigger windows.
    AutoTaskType {
        /// Call continuously between start and stop.
        Continuous = 0 => "continuous",
        /// Call only inside the AutoTriggerTimeStrategy windows, every day.
        Interval = 1 => "interval",
    }
);

code_enum!(
    /// `RetryStrategyTimeType`: what a retry round's time is measured from.
    RetryTimeType {
        /// From the first call; round times strictly increase.
        FromFirstCall = 1 => "from the first call",
        /// From the previous call.
        FromPreviousCall = 2 => "from the previous call",
    }
);

code_enum!(
    /// `RetryStrategyOnlyToday`: what is dropped at the end of the day (24:00).
    RetryOnlyToday {
        /// Nothing is dropped.
        Off = 0 => "off",
        /// Numbers waiting for a retry and numbers never called are dropped.
        DropBoth = 1 => "drop retries and never-called",
        /// Only numbers waiting for a retry are dropped.
        DropRetries = 2 => "drop retries",
        /// Only numbers never called are dropped.
        DropNeverCalled = 3 => "drop never-called",
    }
);

code_enum!(
    /// `CustomerClidsCategory`: where the caller id shown to the customer comes from. No 3.
    ClidCategory {
        /// Fixed-line caller ids from CustomerClids.
        FixedLine = 1 => "fixed-line caller ids",
        /// Mobile caller ids from CustomerClids.
        Mobile = 2 => "mobile caller ids",
        /// A number pool named by CustomerClidsGroup.
        NumberPool = 4 => "number pool",
        /// A caller-id navigation named by CustomerClidsGroup.
        Navigation = 5 => "caller-id navigation",
    }
);

code_enum!(
    /// `CustomerClidType`: how a caller id is picked.
    ClidType {
        /// At random.
        Random = 1 => "random",
        /// By the customer's area code (ClidProperty).
        ByAreaCode = 2 => "by area code",
    }
);

code_enum!(
    /// `CallRouteStrategy`: where an answered customer goes first.
    CallRouteStrategy {
        /// Directly to an agent (dialsim's default).
        Direct = 1 => "direct to agent",
        /// The IVR's bot first, then a human when the bot transfers.
        AiFirst = 2 => "AI first, then a human",
    }
);

code_enum!(
    /// `CallGroupType`: how the task's agents are named. Immutable after creation.
    CallGroupType {
        /// An agent list (Cnos).
        AgentList = 1 => "agent list (Cnos)",
        /// An outbound group (AgentGroup).
        AgentGroup = 2 => "agent group (AgentGroup)",
    }
);

code_enum!(
    /// `CallStrategy` (a string on the wire): which idle agent gets the next answered call.
    CallStrategy {
        /// At random.
        Random = 1 => "random",
        /// In list order.
        InOrder = 2 => "in order",
        /// Longest time since the agent's last call ended.
        LongestSinceLastCall = 3 => "longest since last call",
        /// Longest continuously idle.
        LongestIdle = 4 => "longest idle",
    }
);

code_enum!(
    /// Task status (`Status`).
    TaskStatus {
        /// Created, never started.
        Initial = 0 => "initial",
        /// Running.
        Running = 1 => "running",
        /// Paused.
        Paused = 2 => "paused",
        /// Ended; terminal.
        Ended = 3 => "ended",
    }
);

code_enum!(
    /// `StatusTriggerType`: who changed a task's status.
    StatusTrigger {
        /// The system (schedules, AutoComplete, MinAvailableAgentCount).
        System = 0 => "system",
        /// A person (an operator action).
        Person = 1 => "person",
    }
);

code_enum!(
    /// `IsRepeat` of ImportTaskTel: which duplicates are dropped.
    DedupMode {
        /// Keep duplicates.
        None = 0 => "no dedup",
        /// Drop numbers already in the task.
        WithinTask = 1 => "within the task",
        /// Drop duplicates within this import call.
        WithinImport = 2 => "within the import",
        /// Drop duplicates within the batch.
        WithinBatch = 3 => "within the batch",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clid_category_has_no_three() {
        assert_eq!(ClidCategory::from_code(3), None);
        assert_eq!(ClidCategory::from_code(4), Some(ClidCategory::NumberPool));
    }

    #[test]
    fn allowed_lists_every_code() {
        assert_eq!(TaskType::allowed(), "1 (predictive), 2 (automatic (IVR))");
    }
}
