//! The simulated enterprise: agents, agent groups, IVRs, voices, time conditions, templates.
//!
//! These are the objects a CreateTask request refers to by name or id. The request validator
//! checks references against them; the engine simulates them. Field names follow the scenario
//! file (SPEC section 7); time conditions keep the platform's own field names.

use crate::dist::Dist;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An agent of the enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    /// Agent number (工号).
    pub cno: String,
}

/// An outbound agent group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentGroup {
    /// Group number, as AgentGroup names it.
    pub id: String,
    /// Its agents.
    pub cnos: Vec<String>,
}

/// An IVR (语音导航).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ivr {
    /// IvrId.
    pub id: u64,
    /// IvrName.
    pub name: String,
    /// How long an automatic (Type 2) call stays in it, seconds.
    #[serde(default = "default_ivr_duration")]
    pub duration_s: Dist,
}

fn default_ivr_duration() -> Dist {
    Dist::exponential(60.0)
}

/// A voice file (MOH or prompt).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Voice {
    /// The path CustomerMoh / CustomerVoice name.
    pub path: String,
    /// Its length, seconds.
    pub duration_s: f64,
}

/// A time condition (CloudCreateEnterpriseTime), in the platform's own field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TimeCondition {
    /// Id referenced by TimeStrategy / AutoTriggerTimeStrategy.
    pub id: u64,
    /// Unique name.
    pub name: String,
    /// 1 by weekday, 2 by dates.
    #[serde(rename = "Type")]
    pub kind: u8,
    /// Type 1: weekdays, 1 = Sunday … 7 = Saturday, comma-separated.
    #[serde(default)]
    pub day_of_week: Option<String>,
    /// Type 2: first date, yyyy-MM-dd.
    #[serde(default)]
    pub from_day: Option<String>,
    /// Type 2: last date, yyyy-MM-dd.
    #[serde(default)]
    pub to_day: Option<String>,
    /// Start of the window, HH:mm.
    pub start_time: String,
    /// End of the window, HH:mm, exclusive.
    pub end_time: String,
    /// Unique priority, smaller first.
    #[serde(default)]
    pub priority: Option<i64>,
    /// The platform's undocumented 1 continuous / 2 interval; ignored by dialsim.
    #[serde(default)]
    pub time_type: Option<i64>,
}

/// A task template: CreateTask parameters used as defaults under a request's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskTemplate {
    /// TemplateName.
    pub name: String,
    /// The parameters it supplies.
    pub params: Map<String, Value>,
}

/// An enterprise as the validator and the engine see it (agents already resolved to a list).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Enterprise {
    /// EnterpriseId.
    pub id: u64,
    /// Agents.
    pub agents: Vec<Agent>,
    /// Agent groups.
    pub agent_groups: Vec<AgentGroup>,
    /// IVRs.
    pub ivrs: Vec<Ivr>,
    /// Voice files.
    pub voices: Vec<Voice>,
    /// Time conditions.
    pub time_conditions: Vec<TimeCondition>,
    /// Task templates.
    pub templates: Vec<TaskTemplate>,
    /// The enterprise setting that sends a call to the IVR when the agent does not answer.
    pub overflow_on_agent_no_answer: bool,
    /// Agent number → position in `agents`, built by [`Enterprise::index_agents`] (lookups fall
    /// back to a scan while it is empty).
    pub agent_index: std::collections::HashMap<String, u32>,
}

impl Enterprise {
    /// Build the agent index, so that looking agents up costs O(1) on large floors.
    pub fn index_agents(&mut self) {
        self.agent_index = self
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| (a.cno.clone(), i as u32))
            .collect();
    }
    /// The position of agent `cno` in `agents`.
    pub fn agent_position(&self, cno: &str) -> Option<u32> {
        if self.agent_index.is_empty() {
            self.agents
                .iter()
                .position(|a| a.cno == cno)
                .map(|i| i as u32)
        } else {
            self.agent_index.get(cno).copied()
        }
    }
    /// Is `cno` an agent of the enterprise?
    pub fn has_agent(&self, cno: &str) -> bool {
        self.agent_position(cno).is_some()
    }
    /// The group with this number.
    pub fn group(&self, id: &str) -> Option<&AgentGroup> {
        self.agent_groups.iter().find(|g| g.id == id)
    }
    /// The voice file at this path.
    pub fn voice(&self, path: &str) -> Option<&Voice> {
        self.voices.iter().find(|v| v.path == path)
    }
    /// The time condition with this id.
    pub fn time_condition(&self, id: u64) -> Option<&TimeCondition> {
        self.time_conditions.iter().find(|t| t.id == id)
    }
    /// The IVR a task names: IvrId wins over IvrName.
    pub fn ivr(&self, id: Option<u64>, name: Option<&str>) -> Option<&Ivr> {
        match (id, name) {
            (Some(id), _) => self.ivrs.iter().find(|i| i.id == id),
            (None, Some(n)) => self.ivrs.iter().find(|i| i.name == n),
            (None, None) => None,
        }
    }
}
