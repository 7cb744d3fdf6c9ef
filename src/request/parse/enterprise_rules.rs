//! The rules that need the enterprise: do the agents, group, IVR, voices, time conditions and
//! template exist?

use super::*;

impl Reader<'_> {
    pub(super) fn check_enterprise(&mut self, t: &CreateTask, ent: &Enterprise) {
        if t.enterprise_id != ent.id {
            self.problem(
                P::NotFound,
                "EnterpriseId",
                t.enterprise_id.to_string(),
                format!("the scenario's enterprise is {}", ent.id),
            );
        }
        for cno in &t.cnos {
            if !ent.has_agent(cno) {
                self.problem(
                    P::NotFound,
                    "Cnos",
                    cno.clone(),
                    format!("agent {cno} is not an agent of enterprise {}", ent.id),
                );
            }
        }
        if let Some(g) = &t.agent_group
            && ent.group(g).is_none()
        {
            let rule = format!(
                "must name an agent group of the enterprise (it has: {})",
                names(ent.agent_groups.iter().map(|g| g.id.as_str()))
            );
            self.problem(P::NotFound, "AgentGroup", g.clone(), rule);
        }
        if let Some(id) = t.ivr_id {
            if ent.ivrs.iter().all(|i| i.id != id) {
                let rule = format!(
                    "must name an IVR of the enterprise (ids: {})",
                    names(
                        ent.ivrs
                            .iter()
                            .map(|i| i.id.to_string())
                            .collect::<Vec<_>>()
                            .iter()
                            .map(String::as_str)
                    )
                );
                self.problem(P::NotFound, "IvrId", id.to_string(), rule);
            }
        } else if let Some(n) = &t.ivr_name
            && ent.ivrs.iter().all(|i| &i.name != n)
        {
            let rule = format!(
                "must name an IVR of the enterprise (names: {})",
                names(ent.ivrs.iter().map(|i| i.name.as_str()))
            );
            self.problem(P::NotFound, "IvrName", n.clone(), rule);
        }
        for (param, voice) in [
            ("CustomerMoh", &t.customer_moh),
            ("CustomerVoice", &t.customer_voice),
        ] {
            if let Some(path) = voice
                && ent.voice(path).is_none()
            {
                self.problem(
                    P::NotFound,
                    param,
                    path.clone(),
                    "must be the path of a voice file of the enterprise",
                );
            }
        }
        for (param, ids) in [
            ("TimeStrategy", &t.time_strategy),
            ("AutoTriggerTimeStrategy", &t.auto_trigger_time_strategy),
        ] {
            for id in ids {
                if ent.time_condition(*id).is_none() {
                    self.problem(
                        P::NotFound,
                        param,
                        id.to_string(),
                        format!("time condition {id} is not defined in the enterprise"),
                    );
                }
            }
        }
        for (i, limit) in t.call_limits.iter().enumerate() {
            for cno in &limit.cnos {
                if !ent.has_agent(cno) {
                    self.problem(
                        P::NotFound,
                        &format!("CallLimitStrategy[{i}].cnos"),
                        cno.clone(),
                        "names an agent the enterprise does not have",
                    );
                }
            }
        }
    }
}
