//! The cw-multi-test `Suite` every integration test of the tranche-perps contracts uses.
//!
//! `Suite::builder().with_underwriters(..).build()` stores cw20-base and the fund, instantiates
//! the fund (which instantiates its two share tokens), funds accounts, and returns a suite whose
//! methods are the users' actions. In sanity mode (on by default) every successful step is
//! followed by a check of the fund invariants of `docs/testing.md#invariants` (see
//! [`Suite::check_invariants`]), so every test is also an invariant test.

pub mod checks;
pub mod counting;
pub mod docs;
pub mod fixtures;
pub mod gov;
pub mod live;
pub mod perp;
pub mod play;
pub mod report;
pub mod scenario;
pub mod stress;
pub mod time;

use cosmwasm_std::{
    coin, coins, to_json_binary, Addr, Coin, Empty, StdError, Timestamp, Uint128, Uint256,
};
use cw20::{BalanceResponse, Cw20ExecuteMsg, Cw20QueryMsg, TokenInfoResponse};
use cw_multi_test::{App, AppResponse, BankSudo, Contract, ContractWrapper, Executor, SudoMsg};
use insurance_fund::ContractError;
use tranche_perps_types::fund::{
    ConfigResponse, CoverShortfallResponse, ExecuteMsg, FundParams, FundParamsUpdate,
    FundStateResponse, InstantiateMsg, LossLedgerResponse, LossRecord, PreviewDepositResponse,
    QueryMsg, ReceiveMsg, ReserveTarget, ShareTokenInfo, SimulateLossResponse, Tranche,
    TrancheView, UnderwriterResponse, WithdrawalRequestResponse, WithdrawalRequestsResponse,
    YieldResponse, VIRTUAL_ASSETS, VIRTUAL_SHARES,
};

/// Collateral denom of the suite (an IBC USDC-like denom with 6 decimals).
pub const DENOM: &str = "uusdc";
/// One whole collateral coin in base units.
pub const ONE: u128 = 1_000_000;

/// Result of a suite action: the fund's own error type on failure.
pub type SuiteResult<T = AppResponse> = Result<T, ContractError>;

/// The value of the contract attribute `key` (the first one, in `wasm` events) in `res`;
/// panics when there is none.
pub fn wasm_attr(res: &AppResponse, key: &str) -> String {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("attribute {key}"))
        .value
        .clone()
}

/// The stored versions `migrate` (cw2's `ensure_from_older_version`) must refuse for the
/// contract `name` at `version`: a newer version of it, and another contract's name. Each as
/// (stored name, stored version, the error text expected).
pub fn migrate_refusals(name: &str, version: &str) -> [(String, String, String); 2] {
    [
        (
            name.to_string(),
            "99.0.0".to_string(),
            format!("Cannot migrate from newer version (99.0.0) to older ({version})"),
        ),
        (
            "crates.io:cw20-base".to_string(),
            version.to_string(),
            format!("Cannot migrate from crates.io:cw20-base to {name}"),
        ),
    ]
}

/// Every contract attribute of `res` as `key=value`, in order, without the
/// `_contract_address` multi-test adds.
pub fn wasm_attrs(res: &AppResponse) -> Vec<String> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key != "_contract_address")
        .map(|a| format!("{}={}", a.key, a.value))
        .collect()
}

/// The share-token contract (cw20-base whose burns only its minter makes, the crate the wasm
/// pipeline builds), as the share tokens' code and the governance token's.
pub fn cw20_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            share_token::execute,
            share_token::instantiate,
            share_token::query,
        )
        .with_migrate(share_token::migrate),
    )
}

/// The insurance fund.
pub fn fund_contract() -> Box<dyn Contract<Empty>> {
    Box::new(
        ContractWrapper::new(
            insurance_fund::contract::execute,
            insurance_fund::contract::instantiate,
            insurance_fund::contract::query,
        )
        .with_reply(insurance_fund::contract::reply)
        .with_migrate(insurance_fund::contract::migrate),
    )
}

/// Turns a multi-test error into the fund's error. Errors raised elsewhere (bank, cw20) keep
/// their text inside `ContractError::Std`.
pub fn into_contract_error(err: anyhow::Error) -> ContractError {
    err.downcast::<ContractError>()
        .unwrap_or_else(|err| ContractError::Std(StdError::generic_err(format!("{err:#}"))))
}

/// What kind of step just ran, for the invariant checks that depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// An underwriter's own choice: deposits and withdrawals (subordination applies).
    Voluntary,
    /// A shortfall payout.
    Loss,
    /// Premiums, governance and bookkeeping: no loss, so no price may fall.
    Admin,
}

/// Builds a [`Suite`].
pub struct SuiteBuilder {
    params: FundParams,
    underwriters: Vec<(String, u128)>,
    sanity: bool,
    with_engine: bool,
    perp_engine: bool,
    governance: Vec<(String, u128)>,
    stakes: Vec<(String, u128)>,
}

impl Default for SuiteBuilder {
    fn default() -> Self {
        Self {
            params: FundParams::default(),
            underwriters: vec![],
            sanity: true,
            with_engine: true,
            perp_engine: false,
            governance: vec![],
            stakes: vec![],
        }
    }
}

impl SuiteBuilder {
    /// Fund parameters at instantiation.
    pub fn with_params(mut self, params: FundParams) -> Self {
        self.params = params;
        self
    }

    /// Accounts funded with `amount` base units of collateral each.
    pub fn with_underwriters(mut self, names: &[&str], amount: u128) -> Self {
        self.underwriters
            .extend(names.iter().map(|n| (n.to_string(), amount)));
        self
    }

    /// Turns the invariant checks after every step off (for benchmarks of the suite itself).
    pub fn without_sanity(mut self) -> Self {
        self.sanity = false;
        self
    }

    /// Deploys the perp engine too and makes it the fund's engine (`Suite::engine` is then the
    /// engine contract).
    pub fn with_perp_engine(mut self) -> Self {
        self.perp_engine = true;
        self
    }

    /// Deploys governance (implies the perp engine) with a GOV cw20 staking token whose initial
    /// holders are `voters` (name, amount); governance becomes the governor of fund and engine.
    pub fn with_governance(mut self, voters: &[(&str, u128)]) -> Self {
        self.perp_engine = true;
        self.governance = voters.iter().map(|(n, a)| (n.to_string(), *a)).collect();
        if self.governance.is_empty() {
            self.governance.push(("nobody".to_string(), 1));
        }
        self
    }

    /// After deployment, each named account stakes its amount of GOV (in the order given), then
    /// the next block starts, so the stakes count for proposals made from then on. For holders
    /// given with [`SuiteBuilder::with_governance`] who stake part of their GOV.
    pub fn with_stakes(mut self, stakes: &[(&str, u128)]) -> Self {
        self.stakes = stakes.iter().map(|(n, a)| (n.to_string(), *a)).collect();
        self
    }

    /// Governance as [`SuiteBuilder::with_governance`] whose GOV holders each stake all of it
    /// (as [`SuiteBuilder::with_stakes`]): the DAO most governance tests start from.
    pub fn with_staked_governance(self, voters: &[(&str, u128)]) -> Self {
        self.with_governance(voters).with_stakes(voters)
    }

    /// Instantiates the fund without an engine address.
    pub fn without_engine(mut self) -> Self {
        self.with_engine = false;
        self
    }

    /// Deploys everything.
    pub fn build(self) -> Suite {
        let mut app = App::default();
        let api = *app.api();
        let governor = api.addr_make("governor");
        let guardian = api.addr_make("guardian");
        let engine = api.addr_make("engine");
        let operator = api.addr_make("operator");
        let cw20_code_id = app.store_code(cw20_contract());
        let fund_code_id = app.store_code(fund_contract());
        let fund = app
            .instantiate_contract(
                fund_code_id,
                operator.clone(),
                &InstantiateMsg {
                    governor: governor.to_string(),
                    guardian: Some(guardian.to_string()),
                    engine: self.with_engine.then(|| engine.to_string()),
                    collateral_denom: DENOM.to_string(),
                    collateral_decimals: 6,
                    share_token_code_id: cw20_code_id,
                    junior_token: ShareTokenInfo {
                        name: "Insurance Junior Share".to_string(),
                        symbol: "ijUSDC".to_string(),
                        marketing: None,
                    },
                    senior_token: ShareTokenInfo {
                        name: "Insurance Senior Share".to_string(),
                        symbol: "isUSDC".to_string(),
                        marketing: None,
                    },
                    token_admin: Some(governor.to_string()),
                    params: Some(self.params),
                },
                &[],
                "insurance fund",
                Some(governor.to_string()),
            )
            .expect("fund instantiates");
        let config: ConfigResponse = app
            .wrap()
            .query_wasm_smart(&fund, &QueryMsg::Config {})
            .expect("config query");
        let mut suite = Suite {
            app,
            governor,
            guardian,
            engine,
            operator,
            fund,
            fund_code_id,
            cw20_code_id,
            junior_token: config.junior_token,
            senior_token: config.senior_token,
            sanity: self.sanity,
            donated: Uint128::zero(),
            perp: None,
            gov: None,
        };
        for (name, amount) in self.underwriters {
            let addr = suite.addr(&name);
            suite.mint(&addr, amount);
        }
        if self.perp_engine {
            perp::deploy(&mut suite);
            if !self.governance.is_empty() {
                gov::deploy(&mut suite, &self.governance);
                if !self.stakes.is_empty() {
                    let stakes: Vec<(&str, u128)> =
                        self.stakes.iter().map(|(n, a)| (n.as_str(), *a)).collect();
                    suite.stake_each(&stakes);
                    suite.next_block();
                }
            }
        } else {
            let engine = suite.engine.clone();
            suite.mint(&engine, 1_000_000_000 * ONE);
        }
        suite
    }
}

/// A fund with real cw20-base share tokens on cw-multi-test.
pub struct Suite {
    /// The chain.
    pub app: App,
    /// Governor of the fund.
    pub governor: Addr,
    /// Guardian of the fund.
    pub guardian: Addr,
    /// Address acting as the perp engine.
    pub engine: Addr,
    /// Account that instantiated the suite.
    pub operator: Addr,
    /// The fund.
    pub fund: Addr,
    /// Code id of the fund.
    pub fund_code_id: u64,
    /// Code id of cw20-base.
    pub cw20_code_id: u64,
    /// Junior share token.
    pub junior_token: Addr,
    /// Senior share token.
    pub senior_token: Addr,
    sanity: bool,
    /// Collateral sent to the fund outside its messages and not swept.
    donated: Uint128,
    /// The perp engine's test-side records, when deployed.
    pub(crate) perp: Option<perp::PerpRecords>,
    /// Governance, when deployed.
    pub gov: Option<gov::GovRecords>,
}

/// Fund figures read before and after a step.
#[derive(Clone, Debug)]
struct Snapshot {
    state: FundStateResponse,
}

impl Suite {
    /// Starts building a suite.
    pub fn builder() -> SuiteBuilder {
        SuiteBuilder::default()
    }

    /// Deterministic address of a named account.
    pub fn addr(&self, name: &str) -> Addr {
        self.app.api().addr_make(name)
    }

    /// Gives `to` new collateral.
    pub fn mint(&mut self, to: &Addr, amount: u128) {
        self.app
            .sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: to.to_string(),
                amount: coins(amount, DENOM),
            }))
            .expect("bank mint");
    }

    /// Gives `to` coins of any denom.
    pub fn mint_coins(&mut self, to: &Addr, amount: Vec<Coin>) {
        self.app
            .sudo(SudoMsg::Bank(BankSudo::Mint {
                to_address: to.to_string(),
                amount,
            }))
            .expect("bank mint");
    }

    /// Moves block time forward (and height, one block per 5 s).
    pub fn advance(&mut self, seconds: u64) {
        self.app.update_block(|block| {
            block.time = block.time.plus_seconds(seconds);
            block.height += seconds / 5 + 1;
        });
    }

    /// Moves block time forward by the fund's `premium_unlock_seconds`, so every premium paid
    /// until now has unlocked into the share prices.
    pub fn unlock_premium(&mut self) {
        let period = self.config().params.premium_unlock_seconds;
        self.advance(period);
    }

    /// Block time now.
    pub fn now(&self) -> Timestamp {
        self.app.block_info().time
    }

    /// Moves block time forward to `at` (as [`Suite::advance`]); nothing when `at` is not
    /// later than now.
    pub fn advance_to(&mut self, at: Timestamp) {
        let now = self.now();
        if at > now {
            self.advance(at.seconds() - now.seconds());
        }
    }

    /// Share token of a tranche.
    pub fn token(&self, tranche: Tranche) -> &Addr {
        match tranche {
            Tranche::Junior => &self.junior_token,
            Tranche::Senior => &self.senior_token,
        }
    }

    // ----- steps -----

    fn step<T, E>(
        &mut self,
        kind: Step,
        run: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E> {
        let before = self.sanity.then(|| self.snapshot());
        let result = run(self);
        if let Some(before) = before {
            let after = self.snapshot();
            if result.is_err() {
                assert_eq!(
                    before.state, after.state,
                    "a failed step changed the fund's state"
                );
            }
            self.check_invariants();
            if self.perp.is_some() {
                self.check_engine_invariants();
            }
            if result.is_ok() {
                self.check_step(kind, &before, &after);
            }
        }
        result
    }

    /// Executes a fund message from `sender` with `funds`, as a checked step.
    pub fn execute_fund(&mut self, sender: &Addr, msg: &ExecuteMsg, funds: &[Coin]) -> SuiteResult {
        let kind = match msg {
            ExecuteMsg::CoverShortfall { .. } => Step::Loss,
            ExecuteMsg::Deposit { .. }
            | ExecuteMsg::Receive(_)
            | ExecuteMsg::ClaimWithdrawal { .. }
            | ExecuteMsg::CancelWithdrawal { .. }
            | ExecuteMsg::ExpireWithdrawal { .. }
            // Moving reserve into senior lowers the junior ratio like a senior deposit.
            | ExecuteMsg::AllocateReserve { .. } => Step::Voluntary,
            _ => Step::Admin,
        };
        let (sender, fund) = (sender.clone(), self.fund.clone());
        self.step(kind, |s| {
            s.app
                .execute_contract(sender, fund, msg, funds)
                .map_err(into_contract_error)
        })
    }

    /// Deposits `amount` collateral into `tranche` for `who`.
    pub fn deposit(&mut self, who: &Addr, tranche: Tranche, amount: u128) -> SuiteResult {
        self.deposit_min(who, tranche, amount, None)
    }

    /// Deposits with a minimum-shares guard.
    pub fn deposit_min(
        &mut self,
        who: &Addr,
        tranche: Tranche,
        amount: u128,
        min_shares: Option<u128>,
    ) -> SuiteResult {
        let msg = ExecuteMsg::Deposit {
            tranche,
            min_shares: min_shares.map(Uint128::new),
        };
        self.execute_fund(who, &msg, &coins(amount, DENOM))
    }

    /// Sends `shares` of `tranche` to the fund with a withdrawal request; returns the request id.
    pub fn request_withdrawal(
        &mut self,
        who: &Addr,
        tranche: Tranche,
        shares: u128,
    ) -> SuiteResult<u64> {
        let token = self.token(tranche).clone();
        let hook = ReceiveMsg::RequestWithdrawal {};
        let res = self.send_shares(who, &token, shares, &hook)?;
        Ok(request_id_of(&res))
    }

    /// cw20 `Send` of `amount` of `token` to the fund with any hook message.
    pub fn send_shares<M: serde::Serialize>(
        &mut self,
        who: &Addr,
        token: &Addr,
        amount: u128,
        hook: &M,
    ) -> SuiteResult {
        let msg = Cw20ExecuteMsg::Send {
            contract: self.fund.to_string(),
            amount: Uint128::new(amount),
            msg: to_json_binary(hook).expect("hook serializes"),
        };
        let (who, token) = (who.clone(), token.clone());
        self.step(Step::Voluntary, |s| {
            s.app
                .execute_contract(who, token, &msg, &[])
                .map_err(into_contract_error)
        })
    }

    /// Claims a cooled-down request.
    pub fn claim(&mut self, who: &Addr, request_id: u64) -> SuiteResult {
        self.execute_fund(who, &ExecuteMsg::ClaimWithdrawal { request_id }, &[])
    }

    /// Cancels a request.
    pub fn cancel(&mut self, who: &Addr, request_id: u64) -> SuiteResult {
        self.execute_fund(who, &ExecuteMsg::CancelWithdrawal { request_id }, &[])
    }

    /// Returns the shares of a lapsed request.
    pub fn expire(&mut self, who: &Addr, request_id: u64) -> SuiteResult {
        self.execute_fund(who, &ExecuteMsg::ExpireWithdrawal { request_id }, &[])
    }

    /// Pays `amount` of premium from `who`.
    pub fn premium(&mut self, who: &Addr, amount: u128) -> SuiteResult {
        self.execute_fund(who, &ExecuteMsg::DepositPremium {}, &coins(amount, DENOM))
    }

    /// The engine asks the fund to cover a shortfall; returns the decoded response data.
    pub fn cover_shortfall(
        &mut self,
        shortfall_id: u64,
        amount: u128,
    ) -> SuiteResult<CoverShortfallResponse> {
        let engine = self.engine.clone();
        let res = self.execute_fund(
            &engine,
            &ExecuteMsg::CoverShortfall {
                shortfall_id,
                amount: Uint128::new(amount),
            },
            &[],
        )?;
        let data = res.data.expect("cover shortfall sets data");
        let data: CoverShortfallResponse = cosmwasm_std::from_json(data).expect("data decodes");
        Ok(data)
    }

    /// The engine reports open interest.
    pub fn report_open_interest(&mut self, notional: u128) -> SuiteResult {
        let engine = self.engine.clone();
        self.execute_fund(
            &engine,
            &ExecuteMsg::ReportOpenInterest {
                notional: Uint128::new(notional),
            },
            &[],
        )
    }

    /// The governor updates parameters.
    pub fn update_params(&mut self, update: FundParamsUpdate) -> SuiteResult {
        let governor = self.governor.clone();
        self.execute_fund(&governor, &ExecuteMsg::UpdateParams(update), &[])
    }

    /// Sets pause flags as `who`.
    pub fn set_pause(
        &mut self,
        who: &Addr,
        deposits: Option<bool>,
        withdrawals: Option<bool>,
    ) -> SuiteResult {
        self.execute_fund(
            who,
            &ExecuteMsg::SetPause {
                deposits,
                withdrawals,
            },
            &[],
        )
    }

    /// The governor changes the engine and guardian addresses.
    pub fn update_config(
        &mut self,
        who: &Addr,
        engine: Option<&str>,
        guardian: Option<&str>,
        remove_guardian: Option<bool>,
    ) -> SuiteResult {
        self.execute_fund(
            who,
            &ExecuteMsg::UpdateConfig {
                engine: engine.map(str::to_string),
                guardian: guardian.map(str::to_string),
                remove_guardian,
            },
            &[],
        )
    }

    /// Sends any JSON to the fund (for unknown-field and malformed-message tests), as a checked
    /// step.
    pub fn execute_fund_json(
        &mut self,
        sender: &Addr,
        msg: &serde_json::Value,
        funds: &[Coin],
    ) -> SuiteResult {
        let (sender, fund) = (sender.clone(), self.fund.clone());
        self.step(Step::Admin, |s| {
            s.app
                .execute_contract(sender, fund, msg, funds)
                .map_err(into_contract_error)
        })
    }

    /// The governor allocates reserve.
    pub fn allocate_reserve(&mut self, amount: u128, target: ReserveTarget) -> SuiteResult {
        let governor = self.governor.clone();
        self.execute_fund(
            &governor,
            &ExecuteMsg::AllocateReserve {
                amount: Uint128::new(amount),
                target,
            },
            &[],
        )
    }

    /// Sends collateral to the fund with a plain bank transfer (outside its messages).
    pub fn donate(&mut self, from: &Addr, amount: u128) {
        let fund = self.fund.clone();
        self.app
            .send_tokens(from.clone(), fund, &coins(amount, DENOM))
            .expect("donation");
        self.donated += Uint128::new(amount);
        if self.sanity {
            self.check_invariants();
        }
    }

    /// The governor sweeps donations to `recipient`.
    pub fn sweep_donations(&mut self, recipient: &Addr) -> SuiteResult {
        let (governor, fund) = (self.governor.clone(), self.fund.clone());
        let msg = ExecuteMsg::SweepDonations {
            recipient: recipient.to_string(),
            denom: None,
        };
        self.step(Step::Admin, |s| {
            let res = s
                .app
                .execute_contract(governor, fund, &msg, &[])
                .map_err(into_contract_error)?;
            s.donated = Uint128::zero();
            Ok(res)
        })
    }

    // ----- queries -----

    fn query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(&self.fund, msg)
            .expect("fund query")
    }

    /// Fund query that may fail.
    pub fn try_query<T: serde::de::DeserializeOwned>(&self, msg: &QueryMsg) -> Result<T, StdError> {
        self.app.wrap().query_wasm_smart(&self.fund, msg)
    }

    /// The fund's `QueryMsg::Stress` of a move of `price_move` ("-0.3" = -30%) in `market`
    /// (none: every market).
    pub fn stress(
        &self,
        market: Option<&str>,
        price_move: &str,
    ) -> Result<tranche_perps_types::fund::StressResponse, StdError> {
        self.try_query(&QueryMsg::Stress {
            market: market.map(str::to_string),
            price_move: price_move.parse().expect("a signed decimal"),
        })
    }

    /// `QueryMsg::Config`.
    pub fn config(&self) -> ConfigResponse {
        self.query(&QueryMsg::Config {})
    }

    /// `QueryMsg::State`.
    pub fn state(&self) -> FundStateResponse {
        self.query(&QueryMsg::State {})
    }

    /// `QueryMsg::WithdrawalRequest`.
    pub fn request(&self, request_id: u64) -> WithdrawalRequestResponse {
        self.query(&QueryMsg::WithdrawalRequest { request_id })
    }

    /// `QueryMsg::WithdrawalRequests`.
    pub fn requests(
        &self,
        owner: &Addr,
        start_after: Option<u64>,
        limit: Option<u32>,
    ) -> Vec<WithdrawalRequestResponse> {
        let res: WithdrawalRequestsResponse = self.query(&QueryMsg::WithdrawalRequests {
            owner: owner.to_string(),
            start_after,
            limit,
        });
        res.requests
    }

    /// `QueryMsg::Underwriter`.
    pub fn underwriter(&self, who: &Addr) -> UnderwriterResponse {
        self.query(&QueryMsg::Underwriter {
            address: who.to_string(),
            start_after: None,
            limit: None,
        })
    }

    /// `QueryMsg::Loss` for the current engine.
    pub fn loss(&self, shortfall_id: u64) -> LossRecord {
        self.query(&QueryMsg::Loss {
            shortfall_id,
            engine_epoch: None,
        })
    }

    /// `QueryMsg::Loss` for a given engine epoch.
    pub fn loss_in_epoch(&self, engine_epoch: u32, shortfall_id: u64) -> LossRecord {
        self.query(&QueryMsg::Loss {
            shortfall_id,
            engine_epoch: Some(engine_epoch),
        })
    }

    /// The first page (up to 30 entries) of `QueryMsg::LossLedger` for a given engine epoch.
    pub fn loss_ledger_in_epoch(&self, engine_epoch: u32) -> Vec<LossRecord> {
        let res: LossLedgerResponse = self.query(&QueryMsg::LossLedger {
            engine_epoch: Some(engine_epoch),
            start_after: None,
            limit: Some(30),
        });
        res.losses
    }

    /// `QueryMsg::LossLedger` for the current engine.
    pub fn loss_ledger(&self, start_after: Option<u64>, limit: Option<u32>) -> Vec<LossRecord> {
        let res: LossLedgerResponse = self.query(&QueryMsg::LossLedger {
            engine_epoch: None,
            start_after,
            limit,
        });
        res.losses
    }

    /// `QueryMsg::SimulateLoss`.
    pub fn simulate_loss(&self, amount: u128) -> SimulateLossResponse {
        self.query(&QueryMsg::SimulateLoss {
            amount: Uint128::new(amount),
        })
    }

    /// `QueryMsg::PreviewDeposit`.
    pub fn preview_deposit(&self, tranche: Tranche, amount: u128) -> u128 {
        let res: PreviewDepositResponse = self.query(&QueryMsg::PreviewDeposit {
            tranche,
            amount: Uint128::new(amount),
        });
        res.shares.u128()
    }

    /// `QueryMsg::Yield`.
    pub fn yield_of(&self, tranche: Tranche, window_seconds: u64) -> YieldResponse {
        self.query(&QueryMsg::Yield {
            tranche,
            window_seconds,
        })
    }

    /// Collateral balance of an address.
    pub fn balance(&self, who: &Addr) -> u128 {
        self.app
            .wrap()
            .query_balance(who, DENOM)
            .expect("balance query")
            .amount
            .u128()
    }

    /// Share balance of an address.
    pub fn shares(&self, tranche: Tranche, who: &Addr) -> u128 {
        let res: BalanceResponse = self
            .app
            .wrap()
            .query_wasm_smart(
                self.token(tranche),
                &Cw20QueryMsg::Balance {
                    address: who.to_string(),
                },
            )
            .expect("cw20 balance query");
        res.balance.u128()
    }

    /// cw20 total supply of a share token.
    pub fn share_supply(&self, tranche: Tranche) -> u128 {
        let res: TokenInfoResponse = self
            .app
            .wrap()
            .query_wasm_smart(self.token(tranche), &Cw20QueryMsg::TokenInfo {})
            .expect("cw20 token info query");
        res.total_supply.u128()
    }

    /// Collateral donated outside the fund's messages and not yet swept.
    pub fn donated(&self) -> u128 {
        self.donated.u128()
    }

    // ----- invariants -----

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.state(),
        }
    }

    /// Checks the invariants that hold in every state (`docs/testing.md#invariants`: 1, 6, 9 and
    /// the books).
    pub fn check_invariants(&self) {
        let state = self.state();
        // 1. Conservation: bank balance = liabilities + donations, exactly. A tranche's
        // liabilities are its priced assets and its locked premium.
        let liabilities = collateral(&state.junior) + collateral(&state.senior) + state.reserve;
        assert_eq!(
            state.total_assets, liabilities,
            "total assets is the sum of layers"
        );
        assert_eq!(
            Uint128::new(self.balance(&self.fund)),
            liabilities + self.donated,
            "fund balance must equal its books plus donations"
        );
        let now = self.now();
        for view in [&state.junior, &state.senior] {
            // Locked premium has an unlock end in the future, and only then; a tranche
            // without shares owns nothing (its last claim moved what was left to the reserve).
            assert_eq!(
                view.locked_premium.is_zero(),
                view.unlock_end.is_none(),
                "{:?} locked premium without an unlock end, or the reverse: {view:?}",
                view.tranche
            );
            if let Some(end) = view.unlock_end {
                assert!(
                    end > now,
                    "{:?} premium still locked after its unlock end",
                    view.tranche
                );
            }
            if view.supply.is_zero() {
                assert!(
                    view.locked_premium.is_zero(),
                    "{:?} holds locked premium without shares",
                    view.tranche
                );
            }
            // 6. cw20 supply equals the recorded supply.
            assert_eq!(
                self.share_supply(view.tranche),
                view.supply.u128(),
                "{:?} cw20 supply differs from the fund's books",
                view.tranche
            );
            // Shares held for requests are in the fund's cw20 balance.
            assert!(
                self.shares(view.tranche, &self.fund) >= view.pending_withdrawal_shares.u128(),
                "{:?} pending shares are not held by the fund",
                view.tranche
            );
        }
    }

    fn check_step(&self, kind: Step, before: &Snapshot, after: &Snapshot) {
        let (b, a) = (&before.state, &after.state);
        // 9. A payout never takes the window's total above its cap. (Lowering the cap
        // mid-window may leave `paid` above the new cap; then nothing more is paid.)
        let (wb, wa) = (&b.payout_window, &a.payout_window);
        let paid_now = if wa.start == wb.start {
            wa.paid > wb.paid
        } else {
            !wa.paid.is_zero()
        };
        if paid_now {
            assert!(wa.paid <= wa.cap, "payout cap exceeded: {wa:?}");
        }
        match kind {
            Step::Voluntary | Step::Admin => {
                // 4. With no loss, no share price ever falls (exact comparison). A tranche
                // whose last share was just claimed has no price to keep: what it held moved
                // to the reserve.
                for (pb, pa) in [(&b.junior, &a.junior), (&b.senior, &a.senior)] {
                    assert!(
                        (pa.supply.is_zero() && pa.assets.is_zero())
                            || price_cmp(pa.assets, pa.supply, pb.assets, pb.supply).is_ge(),
                        "{:?} price fell without a loss: {pb:?} -> {pa:?}",
                        pa.tranche
                    );
                }
                // 7. Subordination after a voluntary operation: at or above the minimum, or
                // no worse than before (a junior deposit into an under-subordinated fund).
                if kind == Step::Voluntary {
                    let min = self.config().params.min_junior_ratio;
                    if let Some(ratio) = a.junior_ratio {
                        let improved = b.junior_ratio.is_none_or(|r| ratio >= r);
                        assert!(
                            ratio >= min || improved,
                            "subordination broken: {ratio} < {min}"
                        );
                    }
                }
            }
            Step::Loss => {
                let min_remaining = self.config().params.min_remaining;
                // A liquidation without a claim may sweep premium in (its automatic sweep), so
                // a tranche's collateral may also have grown.
                let from_junior = collateral(&b.junior).saturating_sub(collateral(&a.junior));
                let from_senior = collateral(&b.senior).saturating_sub(collateral(&a.senior));
                // 3. Waterfall order: reserve, then junior (locked premium, then assets), then
                // senior (the same).
                if !from_junior.is_zero() {
                    assert!(a.reserve.is_zero(), "junior paid while reserve remained");
                }
                for (pb, pa) in [(&b.junior, &a.junior), (&b.senior, &a.senior)] {
                    if pa.assets < pb.assets {
                        assert!(
                            pa.locked_premium.is_zero(),
                            "{:?} assets paid while its locked premium remained",
                            pa.tranche
                        );
                    }
                }
                if !from_senior.is_zero() {
                    assert!(a.reserve.is_zero(), "senior paid while reserve remained");
                    assert!(
                        a.junior.assets <= min_remaining && a.junior.locked_premium.is_zero(),
                        "senior paid while junior held more than min_remaining"
                    );
                }
                // Senior's price never falls while junior has more than min_remaining.
                if a.junior.assets > min_remaining || !a.junior.locked_premium.is_zero() {
                    assert!(
                        price_cmp(
                            a.senior.assets,
                            a.senior.supply,
                            b.senior.assets,
                            b.senior.supply
                        )
                        .is_ge(),
                        "senior price fell while junior could still pay"
                    );
                }
                // No tranche pays out its last min_remaining.
                for (pb, pa) in [(&b.junior, &a.junior), (&b.senior, &a.senior)] {
                    if pa.assets < pb.assets {
                        assert!(
                            pa.assets >= min_remaining,
                            "{:?} paid below min_remaining",
                            pa.tranche
                        );
                    }
                    assert_eq!(pa.supply, pb.supply, "a loss never changes supply");
                }
            }
        }
    }

    /// A coin of the collateral denom.
    pub fn collateral(amount: u128) -> Coin {
        coin(amount, DENOM)
    }
}

/// All a tranche owns as the `State` query shows it: priced assets plus locked premium.
pub fn collateral(view: &TrancheView) -> Uint128 {
    view.assets + view.locked_premium
}

/// Compares the share prices `(a1 + 1) / (s1 + V)` and `(a2 + 1) / (s2 + V)` exactly.
pub fn price_cmp(a1: Uint128, s1: Uint128, a2: Uint128, s2: Uint128) -> std::cmp::Ordering {
    let num1 = Uint256::from(a1) + Uint256::from(VIRTUAL_ASSETS);
    let den1 = Uint256::from(s1) + Uint256::from(VIRTUAL_SHARES);
    let num2 = Uint256::from(a2) + Uint256::from(VIRTUAL_ASSETS);
    let den2 = Uint256::from(s2) + Uint256::from(VIRTUAL_SHARES);
    (num1 * den2).cmp(&(num2 * den1))
}

/// The `request_id` attribute of a withdrawal request's response.
pub fn request_id_of(res: &AppResponse) -> u64 {
    res.events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == "request_id")
        .expect("request_id attribute")
        .value
        .parse()
        .expect("request id is a number")
}
