//! A querier that sends each distinct query once per message handled.

use std::cell::RefCell;

use cosmwasm_std::{Querier, QuerierResult, QuerierWrapper};

/// The chain's querier for the handling of one message, asking each distinct query (the same
/// request bytes) once: a repeat gets the first answer, a failure included, so code that reads
/// a failed query as "does not answer" and code that returns its error both behave as if they
/// had asked again. A cross-contract query costs tens of thousands of gas, and one proposal
/// reads the fund's `Config` and the engine's markets for every action, for the timelock and
/// for each proposal of a list.
///
/// The answers cannot change while one message is handled: queries write nothing, and what a
/// handler sends runs only after it returns (a submessage or reply is a new call with a new
/// querier). Governance never queries itself, whose storage the handler may have written.
pub struct CachingQuerier<'a> {
    chain: QuerierWrapper<'a>,
    answers: RefCell<Vec<(Vec<u8>, QuerierResult)>>,
}

impl<'a> CachingQuerier<'a> {
    pub fn new(chain: QuerierWrapper<'a>) -> Self {
        Self {
            chain,
            answers: RefCell::new(Vec::new()),
        }
    }
}

impl Querier for CachingQuerier<'_> {
    fn raw_query(&self, request: &[u8]) -> QuerierResult {
        let asked = self
            .answers
            .borrow()
            .iter()
            .find(|(r, _)| r == request)
            .map(|(_, a)| a.clone());
        if let Some(answer) = asked {
            return answer;
        }
        let answer = self.chain.raw_query(request);
        self.answers
            .borrow_mut()
            .push((request.to_vec(), answer.clone()));
        answer
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use cosmwasm_std::testing::MockQuerier;
    use cosmwasm_std::{
        to_json_binary, ContractResult, Empty, StdError, StdResult, SystemResult, WasmQuery,
    };

    use super::*;

    #[test]
    fn each_distinct_query_reaches_the_chain_once_failures_included() {
        let asked = Arc::new(AtomicUsize::new(0));
        let counter = asked.clone();
        let mut chain = MockQuerier::<Empty>::new(&[]);
        chain.update_wasm(move |q| {
            counter.fetch_add(1, Ordering::SeqCst);
            match q {
                WasmQuery::Smart { contract_addr, .. } if contract_addr == "fund" => {
                    SystemResult::Ok(ContractResult::Ok(to_json_binary(&7u64).unwrap()))
                }
                _ => SystemResult::Ok(ContractResult::Err("unknown".into())),
            }
        });
        let caching = CachingQuerier::new(QuerierWrapper::new(&chain));
        let querier = QuerierWrapper::<Empty>::new(&caching);
        let ask = |contract: &str, msg: &str| -> StdResult<u64> {
            querier.query_wasm_smart(contract, &msg.to_string())
        };
        assert_eq!(ask("fund", "config").unwrap(), 7);
        assert_eq!(ask("fund", "config").unwrap(), 7);
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        // Another message to the same contract is another query.
        assert_eq!(ask("fund", "state").unwrap(), 7);
        assert_eq!(asked.load(Ordering::SeqCst), 2);
        // A failure is kept as it was, error text and all.
        let failure = |r: StdResult<u64>| match r {
            Err(StdError::GenericErr { msg, .. }) => msg,
            other => panic!("expected a query error, got {other:?}"),
        };
        let first = failure(ask("engine", "config"));
        assert_eq!(failure(ask("engine", "config")), first);
        assert_eq!(first, "Querier contract error: unknown");
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }
}
