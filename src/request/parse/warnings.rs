//! Warnings: valid but risky settings.

use super::*;

impl Reader<'_> {
    pub(super) fn warn(
        &mut self,
        t: &CreateTask,
        ent: Option<&Enterprise>,
        mean_talk_s: Option<f64>,
    ) {
        if t.quotiety.0 > LEGAL_ABANDON_CAP_PERCENT * 100 {
            self.warning(W::QuotietyAboveLegalCap, "Quotiety", t.quotiety.to_string(), format!("tolerates more than {LEGAL_ABANDON_CAP_PERCENT} % abandoned calls, over the common legal cap (US FCC, UK Ofcom)"));
        }
        if t.task_type == TaskType::Automatic {
            return;
        }
        let team = match (t.call_group_type, ent) {
            (CallGroupType::AgentList, _) => Some(t.cnos.len()),
            (CallGroupType::AgentGroup, Some(e)) => t
                .agent_group
                .as_deref()
                .and_then(|g| e.group(g))
                .map(|g| g.cnos.len()),
            (CallGroupType::AgentGroup, None) => None,
        };
        if let Some(team) = team {
            if t.min_available_agents as usize > team {
                self.warning(W::MinAvailableAboveTeam, "MinAvailableAgentCount", t.min_available_agents.to_string(), format!("the task has only {team} agents, so it pauses itself as soon as it starts; set it to {team} or less"));
            }
            if t.concurrency == 0 && team < 10 {
                self.warning(W::UnlimitedConcurrencySmallTeam, "Concurrency", "0", format!("unlimited concurrency with {team} agents (under 10): the platform advises a cap for small teams"));
            }
        }
        if let Some(talk) = mean_talk_s
            && f64::from(t.warm_up_s) < WARM_UP_TALK_TIMES * talk
        {
            self.warning(W::ShortWarmUp, "WarmUpDuration", t.warm_up_s.to_string(), format!("shorter than {WARM_UP_TALK_TIMES} mean talk times ({:.0} s): few calls end during warm-up, so pacing switches to thin measurements", WARM_UP_TALK_TIMES * talk));
        }
        if let Some(stop) = t.auto_stop
            && !t.force_end
        {
            let when = format!(
                "{}{}",
                stop.day.map(|d| format!("{d} ")).unwrap_or_default(),
                stop.time
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "23:59:59".into())
            );
            self.warning(W::AutoStopPausesOnly, "AutoStop", "1", format!("without ForceEndFlag=1 the task only pauses at {when} and can be started again; set ForceEndFlag=1 if calling must end then"));
        }
    }
}
