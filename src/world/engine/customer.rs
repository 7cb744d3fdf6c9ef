//! The customer behind a number: its pre-drawn fate ([`Engine::draw`]) and the caller id shown
//! to it ([`ClidTable`], plain data built from the request).

use super::*;
use crate::request::{ClidCategory, CreateTask};
use crate::scenario::ScenarioFile;
use crate::sim::rng;

/// One caller id a task may show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CallerId {
    /// The number shown.
    pub number: String,
    /// Its area code (index into `customers.area_codes`); a mobile caller id has none.
    pub area: Option<u16>,
    /// Its weight (CustomerClidWeight; 1 each without weights).
    pub weight: u32,
}

/// The caller ids of a task and how one is picked for a call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct ClidTable {
    /// The caller ids, in the request's order.
    pub ids: Vec<CallerId>,
    /// Pick by the customer's area code (CustomerClidType 2, or a navigation pool).
    pub by_area: bool,
    /// ClidProperty's default area code (index), when no caller id matches the customer's.
    pub default_area: Option<u16>,
}

impl ClidTable {
    /// The caller ids `req` shows in the scenario's world.
    pub fn from_request(req: &CreateTask, file: &ScenarioFile) -> ClidTable {
        let list: Vec<String> = match req.clids_category {
            Some(ClidCategory::FixedLine | ClidCategory::Mobile) => req.customer_clids.clone(),
            Some(ClidCategory::NumberPool | ClidCategory::Navigation) => req
                .clids_group
                .as_deref()
                .and_then(|g| file.enterprise.clid_groups.iter().find(|x| x.id == g))
                .map(|g| g.clids.clone())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let codes = &file.customers.area_codes;
        let ids = list
            .into_iter()
            .map(|number| {
                // A mobile caller id has no area code; a fixed line has the longest known
                // area code it starts with.
                let area = (req.clids_category != Some(ClidCategory::Mobile))
                    .then(|| {
                        codes
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| number.starts_with(&a.code))
                            .max_by_key(|(_, a)| a.code.len())
                            .map(|(i, _)| i as u16)
                    })
                    .flatten();
                // CustomerClidWeight takes effect only for fixed-line caller ids
                // (CustomerClidsCategory 1), as the request's warning says.
                let weighted = req.clid_weight_flag
                    && req.clids_category == Some(ClidCategory::FixedLine)
                    && !req.clid_weight.is_empty();
                let weight = if weighted {
                    req.clid_weight
                        .iter()
                        .find(|w| w.numbers.contains(&number))
                        .map(|w| w.weight)
                        .unwrap_or(0)
                } else {
                    1
                };
                CallerId {
                    number,
                    area,
                    weight,
                }
            })
            .collect();
        ClidTable {
            ids,
            by_area: req.clid_type == crate::request::ClidType::ByAreaCode
                || req.clids_category == Some(ClidCategory::Navigation),
            default_area: req.clid_property.as_ref().and_then(|p| {
                codes
                    .iter()
                    .position(|a| a.code == p.default_area_code)
                    .map(|i| i as u16)
            }),
        }
    }

    /// The caller id (index into `ids`) for a call to a customer of area `area`, drawn from
    /// `u` in [0, 1): among the caller ids of the customer's area (or the default area) when
    /// picking by area and there are some, else among all; by weight, or uniformly when
    /// every weight is 0.
    pub fn pick(&self, area: Option<u16>, u: f64) -> Option<u16> {
        if self.ids.is_empty() {
            return None;
        }
        let pick = |cands: &[usize]| -> Option<u16> {
            let total: u64 = cands.iter().map(|&i| u64::from(self.ids[i].weight)).sum();
            if total == 0 {
                return cands
                    .get(((u * cands.len() as f64) as usize).min(cands.len().saturating_sub(1)))
                    .map(|&i| i as u16);
            }
            let mut x = u * total as f64;
            for &i in cands {
                x -= f64::from(self.ids[i].weight);
                if x < 0.0 {
                    return Some(i as u16);
                }
            }
            cands.last().map(|&i| i as u16)
        };
        if self.by_area {
            for want in [area, self.default_area].into_iter().flatten() {
                let local: Vec<usize> = (0..self.ids.len())
                    .filter(|&i| self.ids[i].area == Some(want))
                    .collect();
                if !local.is_empty() {
                    return pick(&local);
                }
            }
        }
        let all: Vec<usize> = (0..self.ids.len()).collect();
        pick(&all)
    }
}

impl Engine<'_> {
    /// The next number of the task and its pre-drawn fate: from the number's own stream, so
    /// every pacer meets the same customer behind the same number.
    pub(super) fn draw(&mut self, ti: usize) -> Call {
        let sc = self.sc;
        let c = &sc.file.customers;
        let now = self.now;
        let t = &mut self.tasks[ti];
        let target = t.pool.next_target(&t.params.retry);
        let (number, attempt, backup) = (target.number, target.attempt, target.backup);
        let first_ms = if attempt == 0 && backup == 0 {
            now
        } else {
            target.first_ms
        };
        let task = t.idx;
        // The number's own stream, always drawn in the same order: kind, answer, time to
        // answer, patience, talk, IVR. Draws stop once the fate needs no more (a number that
        // does not answer needs no patience), which changes no value that is drawn: nothing
        // else reads this stream.
        let mut rng = rng::number::fate(self.seed, task, number, attempt, backup);
        let u_kind: f64 = rng.random();
        let u_answer: f64 = rng.random();
        let hour = ((sc.start.time().hour() as u64 * 3600
            + sc.start.time().minute() as u64 * 60
            + self.now / 1000)
            / 3600
            % 24) as usize;
        let mut p_answer = c
            .answer_probability_by_hour
            .as_ref()
            .and_then(|h| h.get(hour).copied())
            .unwrap_or(c.answer_probability);
        // The caller id shown, and its effect: from streams of their own, so that a change of
        // caller-id strategy leaves every other draw of the number as it was.
        let mut clid = None;
        if !t.params.clids.ids.is_empty() {
            let u: f64 = rng::number::area(self.seed, task, number).random();
            let mut acc = 0.0;
            let mut area = None;
            for (i, a) in c.area_codes.iter().enumerate() {
                acc += a.share;
                if u < acc {
                    area = Some(i as u16);
                    break;
                }
            }
            let u_clid = rng::number::caller_id(self.seed, task, number, attempt, backup).random();
            if let Some(k) = t.params.clids.pick(area, u_clid) {
                clid = Some(t.clid_stat[usize::from(k)]);
                let shown = &t.params.clids.ids[usize::from(k)];
                if let Some(e) = &c.caller_id_effect {
                    let m =
                        e.by_clid
                            .get(&shown.number)
                            .copied()
                            .unwrap_or(match (shown.area, area) {
                                (Some(x), Some(y)) if x == y => e.local,
                                (Some(_), _) => e.remote,
                                (None, _) => e.mobile,
                            });
                    p_answer = (p_answer * m).clamp(0.0, 1.0);
                }
            }
        }
        let p = &t.params;
        let (mut patience, mut talk, mut ivr) = (0, 1, 1);
        let (mut greeting_ms, mut machine, mut amd_detect, mut amd_ms) = (0u32, false, false, 0u32);
        let (fate, ring_ms) = if u_kind < c.invalid_probability {
            (Fate::Invalid, INVALID_MS)
        } else if u_kind < c.invalid_probability + c.unreachable_probability {
            (Fate::Unreachable, UNREACHABLE_MS)
        } else if u_kind < c.invalid_probability + c.unreachable_probability + c.busy_probability {
            (Fate::Busy, BUSY_MS)
        } else if u_answer < p_answer
            && let tta = ms(c.time_to_answer_s.sample(&mut rng))
            && (tta <= p.customer_timeout_ms || c.answers_after_timeout)
        {
            let patience_dist = if p.moh {
                c.patience_moh_s.as_ref().unwrap_or(&c.patience_s)
            } else {
                &c.patience_s
            };
            let scale = |h: &Option<Vec<f64>>| h.as_ref().and_then(|v| v.get(hour)).copied();
            patience =
                ms(patience_dist.sample(&mut rng)
                    * scale(&c.patience_scale_by_hour).unwrap_or(1.0));
            let talk_dist = c
                .talk_s
                .as_ref()
                .unwrap_or(&sc.file.enterprise.agent_behaviour.talk_s);
            talk =
                ms(talk_dist.sample(&mut rng) * scale(&c.talk_scale_by_hour).unwrap_or(1.0)).max(1);
            ivr = ms(p.ivr_duration.sample(&mut rng)).max(1);
            // Greeting, machine and detection come last in the stream and only when the
            // scenario has them, so that a scenario without them draws what it always drew.
            if let Some(g) = &c.greeting_s {
                greeting_ms = ms(g.sample(&mut rng)).min(u64::from(u32::MAX)) as u32;
            }
            let share = c
                .machine_share_by_hour
                .as_ref()
                .and_then(|h| h.get(hour).copied())
                .unwrap_or(c.machine_share);
            if share > 0.0 {
                machine = rng.random::<f64>() < share;
            }
            if let Some(a) = &sc.tasks[usize::from(task)].amd {
                let u: f64 = rng.random();
                amd_detect = u < if machine {
                    a.true_positive
                } else {
                    a.false_positive
                };
                // Detection listens to the greeting, then decides.
                amd_ms = (u64::from(greeting_ms) + ms(a.detection_s.sample(&mut rng)))
                    .min(u64::from(u32::MAX)) as u32;
            }
            if machine {
                // A machine holds the line for its message, at an agent or waiting for one.
                let m = c
                    .machine_message_s
                    .as_ref()
                    .map_or(20_000, |d| ms(d.sample(&mut rng)))
                    .max(1);
                talk = m;
                patience = m;
            }
            (Fate::Answer, tta)
        } else {
            (Fate::NoAnswer, p.customer_timeout_ms)
        };
        Call {
            task,
            epoch: 0,
            state: CallState::Ringing,
            fate,
            ring_ms,
            search_at: 0,
            agent: None,
            talk_ms: talk,
            patience_ms: patience,
            ivr_ms: ivr,
            decided_2s: false,
            abandoned_2s: false,
            greeting_ms,
            machine,
            amd_detect,
            amd_ms,
            amd_hung_up: false,
            overflowed: false,
            sure_at: When::NEVER,
            number,
            placed_at: 0,
            answered_at: When::NEVER,
            bridged_at: When::NEVER,
            agent_missed: false,
            end_reason: EndReason::CustomerHungUp,
            attempt,
            backup,
            clid,
            first_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CallerId, ClidTable};
    use serde_json::{Value, json};

    /// The caller-id table of [`one_task_scenario`](super::super::one_task_scenario)'s task
    /// with `request` added.
    fn table(request: Value) -> ClidTable {
        let sc = super::super::one_task_scenario(request);
        ClidTable::from_request(&sc.tasks[0].request, &sc.file)
    }

    fn id(number: &str, area: Option<u16>, weight: u32) -> CallerId {
        CallerId {
            number: number.into(),
            area,
            weight,
        }
    }

    #[test]
    fn a_number_pool_shows_the_caller_ids_of_its_own_group() {
        let t = table(json!({"CustomerClidsCategory": 4, "CustomerClidsGroup": "2"}));
        assert_eq!(
            t.ids,
            vec![id("02122220000", Some(2), 1), id("01022220000", Some(0), 1)]
        );
        assert!(!t.by_area);
        // A navigation picks by area code whatever CustomerClidType says.
        let t = table(json!({"CustomerClidsCategory": 5, "CustomerClidsGroup": "1"}));
        assert_eq!(t.ids, vec![id("01011110000", Some(1), 1)]);
        assert!(t.by_area);
    }

    #[test]
    fn a_fixed_line_has_its_longest_area_code_and_a_mobile_none() {
        let t = table(json!({"CustomerClidsCategory": 1,
                             "CustomerClids": "01011110000,01099990000,07500000000"}));
        assert_eq!(
            t.ids,
            vec![
                id("01011110000", Some(1), 1),
                id("01099990000", Some(0), 1),
                id("07500000000", None, 1)
            ]
        );
        let t = table(json!({"CustomerClidsCategory": 2, "CustomerClids": "01011110000"}));
        assert_eq!(t.ids, vec![id("01011110000", None, 1)]);
    }

    #[test]
    fn weights_count_only_when_switched_on_for_fixed_lines() {
        let weights =
            r#"[{"number":"01011110000","weight":"5"},{"number":"02100000000","weight":"2"}]"#;
        let ids = "01011110000,02100000000,02111110000";
        let with = |flag: u8, category: u8| {
            table(
                json!({"CustomerClidsCategory": category, "CustomerClids": ids,
                         "CustomerClidWeightFlag": flag, "CustomerClidWeight": weights}),
            )
            .ids
            .iter()
            .map(|c| c.weight)
            .collect::<Vec<_>>()
        };
        // A caller id the weights leave out is never shown (weight 0).
        assert_eq!(with(1, 1), [5, 2, 0]);
        // The switch off, or a mobile caller id (the flag is then ignored): 1 each.
        assert_eq!(with(0, 1), [1, 1, 1]);
        assert_eq!(with(1, 2), [1, 1, 1]);
    }

    #[test]
    fn the_default_area_is_the_one_clid_property_names() {
        let t = table(
            json!({"CustomerClidsCategory": 1, "CustomerClids": "02100000000",
                             "ClidProperty": {"defaultAreaCode": "021"}}),
        );
        assert_eq!(t.default_area, Some(2));
        let t = table(
            json!({"CustomerClidsCategory": 1, "CustomerClids": "02100000000",
                             "ClidProperty": {"defaultAreaCode": "0755"}}),
        );
        assert_eq!(t.default_area, None);
    }

    #[test]
    fn a_pick_by_weight_takes_the_caller_id_whose_share_holds_the_draw() {
        // Weights 3 and 1: draws in [0, 0.75) take the first, [0.75, 1) the second.
        let t = ClidTable {
            ids: vec![id("a", None, 3), id("b", None, 1)],
            ..ClidTable::default()
        };
        for (u, want) in [(0.0, 0), (0.74, 0), (0.75, 1), (0.99, 1)] {
            assert_eq!(t.pick(None, u), Some(want), "u = {u}");
        }
    }

    #[test]
    fn a_pick_without_weights_is_uniform() {
        // Three caller ids of weight 0: thirds of [0, 1).
        let t = ClidTable {
            ids: vec![id("a", None, 0), id("b", None, 0), id("c", None, 0)],
            ..ClidTable::default()
        };
        for (u, want) in [
            (0.0, 0),
            (0.3, 0),
            (0.34, 1),
            (0.6, 1),
            (0.67, 2),
            (0.999, 2),
        ] {
            assert_eq!(t.pick(None, u), Some(want), "u = {u}");
        }
        assert_eq!(ClidTable::default().pick(None, 0.5), None);
    }

    #[test]
    fn a_pick_by_area_prefers_the_customers_area_then_the_default() {
        let t = ClidTable {
            ids: vec![
                id("a", Some(0), 1),
                id("b", Some(2), 1),
                id("c", Some(2), 1),
            ],
            by_area: true,
            default_area: Some(0),
        };
        // The customer's own area (2): b or c, by the draw.
        assert_eq!(t.pick(Some(2), 0.4), Some(1));
        assert_eq!(t.pick(Some(2), 0.6), Some(2));
        // No caller id of area 1: the default area's.
        assert_eq!(t.pick(Some(1), 0.9), Some(0));
        // Neither: all three.
        let t = ClidTable {
            default_area: None,
            ..t
        };
        assert_eq!(t.pick(Some(1), 0.9), Some(2));
    }
}
