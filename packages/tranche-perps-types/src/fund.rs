//! Messages and responses of the `insurance-fund` contract.
//!
//! Money is in base units of the one collateral coin fixed at instantiation. Shares are cw20
//! tokens with `collateral_decimals + 3` decimals: the fund prices a share as
//! `(assets + 1) / (supply + VIRTUAL_SHARES)` with `VIRTUAL_SHARES = 1000`, so the first deposit
//! of `a` base units mints `1000 * a` share units, i.e. one whole share per whole coin.

use crate::Expiration;
use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{
    Addr, Binary, Decimal, Decimal256, SignedDecimal, SignedDecimal256, Timestamp, Uint128, Uint256,
};

/// Virtual share offset `V` added to a tranche's supply in every price computation.
pub const VIRTUAL_SHARES: u128 = 1_000;
/// Virtual asset offset added to a tranche's assets in every price computation.
pub const VIRTUAL_ASSETS: u128 = 1;
/// How many more decimals a share token has than the collateral coin (log10 of `VIRTUAL_SHARES`).
pub const SHARE_EXTRA_DECIMALS: u8 = 3;

/// Bounds of the fund's parameters ([`FundParams`]): the one table validation, the
/// `ParamOutOfRange` error and the docs read.
pub mod bounds {
    use cosmwasm_std::{Decimal, Uint128};

    use crate::bounds::{Bound, Row, DAY, HOUR, MINUTE};

    /// `cooldown_seconds`: 1 minute to 90 days.
    pub const COOLDOWN_SECONDS: Bound<u64> = Bound::inclusive("cooldown_seconds", MINUTE, 90 * DAY);
    /// `claim_window_seconds`: 1 minute to 30 days.
    pub const CLAIM_WINDOW_SECONDS: Bound<u64> =
        Bound::inclusive("claim_window_seconds", MINUTE, 30 * DAY);
    /// `junior_weight`.
    pub const JUNIOR_WEIGHT: Bound<u32> = Bound::inclusive("junior_weight", 1, 100);
    /// `senior_weight`.
    pub const SENIOR_WEIGHT: Bound<u32> = Bound::inclusive("senior_weight", 1, 100);
    /// `min_junior_ratio`: 0 to 90%.
    pub const MIN_JUNIOR_RATIO: Bound<Decimal> =
        Bound::inclusive("min_junior_ratio", Decimal::zero(), Decimal::percent(90));
    /// `max_payout_bps`.
    pub const MAX_PAYOUT_BPS: Bound<u16> = Bound::inclusive("max_payout_bps", 1, 10_000);
    /// `payout_window_seconds`: 10 minutes to 30 days. The cap's share (`max_payout_bps`) may
    /// already be 100%, so a short window opens nothing a governor could not already choose.
    pub const PAYOUT_WINDOW_SECONDS: Bound<u64> =
        Bound::inclusive("payout_window_seconds", 10 * MINUTE, 30 * DAY);
    /// `target_coverage_bps`.
    pub const TARGET_COVERAGE_BPS: Bound<u32> = Bound::inclusive("target_coverage_bps", 1, 100_000);
    /// `premium_unlock_seconds`: 1 hour to 30 days.
    pub const PREMIUM_UNLOCK_SECONDS: Bound<u64> =
        Bound::inclusive("premium_unlock_seconds", HOUR, 30 * DAY);
    /// `min_remaining`: 1 to 10^12 base units.
    pub const MIN_REMAINING: Bound<Uint128> = Bound::inclusive(
        "min_remaining",
        Uint128::one(),
        Uint128::new(1_000_000_000_000),
    );
    /// `collateral_decimals` at instantiation: share tokens get [`super::SHARE_EXTRA_DECIMALS`]
    /// more and cw20-base allows at most 18.
    pub const COLLATERAL_DECIMALS: Bound<u8> =
        Bound::inclusive("collateral_decimals", 0, 18 - super::SHARE_EXTRA_DECIMALS);
    /// The range of a limited deposit cap (`junior_deposit_cap`, `senior_deposit_cap`).
    pub const DEPOSIT_CAP_RANGE: &str = "unlimited or 1 ..= 2^128-1";

    /// The longest exit window an underwriter can be promised: the longest cooldown plus the
    /// longest claim window.
    pub const MAX_EXIT_WINDOW_SECONDS: u64 = COOLDOWN_SECONDS.max + CLAIM_WINDOW_SECONDS.max;
    /// The exit window of the default parameters: default cooldown plus default claim window.
    pub const DEFAULT_EXIT_WINDOW_SECONDS: u64 =
        super::DEFAULT_COOLDOWN_SECONDS + super::DEFAULT_CLAIM_WINDOW_SECONDS;

    /// The fund's parameter table, with defaults, for the docs.
    pub fn table() -> Vec<Row> {
        let d = super::FundParams::default();
        vec![
            COOLDOWN_SECONDS.row(d.cooldown_seconds),
            CLAIM_WINDOW_SECONDS.row(d.claim_window_seconds),
            JUNIOR_WEIGHT.row(d.junior_weight),
            SENIOR_WEIGHT.row(d.senior_weight),
            MIN_JUNIOR_RATIO.row(d.min_junior_ratio),
            MAX_PAYOUT_BPS.row(d.max_payout_bps),
            PAYOUT_WINDOW_SECONDS.row(d.payout_window_seconds),
            Row {
                name: "junior_deposit_cap",
                default: "unlimited".into(),
                range: DEPOSIT_CAP_RANGE.into(),
            },
            Row {
                name: "senior_deposit_cap",
                default: "unlimited".into(),
                range: DEPOSIT_CAP_RANGE.into(),
            },
            TARGET_COVERAGE_BPS.row(d.target_coverage_bps),
            MIN_REMAINING.row(d.min_remaining),
            PREMIUM_UNLOCK_SECONDS.row(d.premium_unlock_seconds),
        ]
    }
}

/// Default `cooldown_seconds`: 7 days.
pub const DEFAULT_COOLDOWN_SECONDS: u64 = 7 * crate::bounds::DAY;
/// Default `claim_window_seconds`: 2 days.
pub const DEFAULT_CLAIM_WINDOW_SECONDS: u64 = 2 * crate::bounds::DAY;
/// Default `premium_unlock_seconds`: 7 days.
pub const DEFAULT_PREMIUM_UNLOCK_SECONDS: u64 = 7 * crate::bounds::DAY;

fn default_premium_unlock_seconds() -> u64 {
    DEFAULT_PREMIUM_UNLOCK_SECONDS
}

/// One of the two risk layers of the fund.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Copy, Eq, Hash, PartialOrd, Ord)]
pub enum Tranche {
    /// First-loss layer: pays shortfalls before senior, earns the larger premium weight.
    Junior,
    /// Second-loss layer: pays only once junior is down to its `min_remaining`.
    Senior,
}

impl Tranche {
    /// Both tranches, junior first (the order of the loss waterfall).
    pub const ALL: [Tranche; 2] = [Tranche::Junior, Tranche::Senior];

    /// Lower-case name used in events and storage keys.
    pub fn as_str(&self) -> &'static str {
        match self {
            Tranche::Junior => "junior",
            Tranche::Senior => "senior",
        }
    }
}

/// A per-tranche deposit limit.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Copy, Eq)]
pub enum DepositCap {
    /// No limit on the tranche's assets.
    Unlimited,
    /// Deposits are refused once they would take the tranche's assets above this many base units.
    Limit(Uint128),
}

/// Every governed economic parameter of the fund. Ranges are enforced on instantiate and update.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct FundParams {
    /// Seconds between a withdrawal request and the start of its claim window. Range: [`bounds`], docs/fund.md#parameters.
    pub cooldown_seconds: u64,
    /// Seconds during which a cooled-down request can be claimed. Range: [`bounds`], docs/fund.md#parameters.
    pub claim_window_seconds: u64,
    /// Risk weight of junior assets in the premium split. Range: [`bounds`], docs/fund.md#parameters.
    pub junior_weight: u32,
    /// Risk weight of senior assets in the premium split. Range: [`bounds`], docs/fund.md#parameters.
    pub senior_weight: u32,
    /// Least share of junior in total tranche assets that senior deposits and junior withdrawals
    /// may leave. Range: [`bounds`], docs/fund.md#parameters.
    pub min_junior_ratio: Decimal,
    /// Most the fund pays out within one payout window, in basis points of its assets at the
    /// window's start. Range: [`bounds`], docs/fund.md#parameters.
    pub max_payout_bps: u16,
    /// Length of a payout window in seconds. Range: [`bounds`], docs/fund.md#parameters.
    pub payout_window_seconds: u64,
    /// Deposit cap of the junior tranche.
    pub junior_deposit_cap: DepositCap,
    /// Deposit cap of the senior tranche.
    pub senior_deposit_cap: DepositCap,
    /// Target fund size in basis points of total open-interest notional. Range: [`bounds`], docs/fund.md#parameters.
    pub target_coverage_bps: u32,
    /// Base units a tranche always keeps when paying a shortfall. Range: [`bounds`], docs/fund.md#parameters.
    pub min_remaining: Uint128,
    /// Seconds over which a premium paid into a tranche unlocks linearly into its share price
    /// (docs/fund.md#premium); parameters stored before it existed read the default.
    /// Range: [`bounds`], docs/fund.md#parameters.
    #[serde(default = "default_premium_unlock_seconds")]
    pub premium_unlock_seconds: u64,
}

impl Default for FundParams {
    fn default() -> Self {
        Self {
            cooldown_seconds: DEFAULT_COOLDOWN_SECONDS,
            claim_window_seconds: DEFAULT_CLAIM_WINDOW_SECONDS,
            junior_weight: 3,
            senior_weight: 1,
            min_junior_ratio: Decimal::percent(20),
            max_payout_bps: 5_000,
            payout_window_seconds: 86_400,
            junior_deposit_cap: DepositCap::Unlimited,
            senior_deposit_cap: DepositCap::Unlimited,
            target_coverage_bps: 1_000,
            min_remaining: Uint128::new(1_000),
            premium_unlock_seconds: DEFAULT_PREMIUM_UNLOCK_SECONDS,
        }
    }
}

impl FundParams {
    /// Deposit cap of a tranche.
    pub fn deposit_cap(&self, tranche: Tranche) -> DepositCap {
        match tranche {
            Tranche::Junior => self.junior_deposit_cap,
            Tranche::Senior => self.senior_deposit_cap,
        }
    }
}

/// A partial update of [`FundParams`]: every field left out keeps its value.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Default)]
pub struct FundParamsUpdate {
    /// New cooldown in seconds; applies to requests made after the update only.
    pub cooldown_seconds: Option<u64>,
    /// New claim window in seconds; applies to requests made after the update only.
    pub claim_window_seconds: Option<u64>,
    /// New junior premium weight.
    pub junior_weight: Option<u32>,
    /// New senior premium weight.
    pub senior_weight: Option<u32>,
    /// New minimum junior ratio.
    pub min_junior_ratio: Option<Decimal>,
    /// New payout cap in basis points.
    pub max_payout_bps: Option<u16>,
    /// New payout window in seconds; takes effect when the current window ends.
    pub payout_window_seconds: Option<u64>,
    /// New junior deposit cap.
    pub junior_deposit_cap: Option<DepositCap>,
    /// New senior deposit cap.
    pub senior_deposit_cap: Option<DepositCap>,
    /// New target coverage in basis points.
    pub target_coverage_bps: Option<u32>,
    /// New minimum remaining assets per tranche.
    pub min_remaining: Option<Uint128>,
    /// New premium unlock period in seconds; applies to premium paid after the update (what is
    /// locked keeps its unlock end).
    #[serde(default)]
    pub premium_unlock_seconds: Option<u64>,
}

/// Emergency switches. A paused operation fails with a typed error; nothing else is affected.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Copy, Default, Eq)]
pub struct PauseFlags {
    /// New deposits into either tranche are refused.
    pub deposits: bool,
    /// New withdrawal requests and claims are refused (cancel and expiry stay open).
    pub withdrawals: bool,
}

/// Name, symbol and wallet-facing marketing of one share token.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct ShareTokenInfo {
    /// cw20 token name, 3 ..= 50 characters.
    pub name: String,
    /// cw20 token symbol, 3 ..= 12 letters or `-`.
    pub symbol: String,
    /// cw20 marketing info shown by wallets and explorers; absent fields take the defaults of
    /// [`ShareTokenMarketing`]. The token's marketing admin is always the fund.
    #[serde(default)]
    pub marketing: Option<ShareTokenMarketing>,
}

/// cw20 marketing info of a share token, as set at instantiation. Each absent field takes its
/// default: `project` [`DEFAULT_SHARE_TOKEN_PROJECT`], a `description` naming the tranche and
/// the fund, and the embedded SVG logo of the tranche ([`default_share_token_logo`]).
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Default)]
pub struct ShareTokenMarketing {
    /// Project name, at most [`MAX_MARKETING_TEXT`] bytes.
    pub project: Option<String>,
    /// Description, at most [`MAX_MARKETING_TEXT`] bytes.
    pub description: Option<String>,
    /// A URL, or an embedded SVG (with an XML preamble) or PNG of at most 5 KiB, as cw20-base
    /// accepts ([`check_logo`]).
    pub logo: Option<cw20::Logo>,
}

/// Default cw20 `project` of a share token.
pub const DEFAULT_SHARE_TOKEN_PROJECT: &str = "Tranche Perps insurance fund";
/// Longest `project` or `description` of a share token's marketing, in bytes.
pub const MAX_MARKETING_TEXT: usize = 1_000;
/// Largest embedded logo cw20-base stores, in bytes.
pub const MAX_LOGO_BYTES: usize = 5 * 1024;

/// Default cw20 `description` of a tranche's share token.
pub fn default_share_token_description(tranche: Tranche, fund: &str) -> String {
    let layer = match tranche {
        Tranche::Junior => "junior (first-loss)",
        Tranche::Senior => "senior (second-loss)",
    };
    format!(
        "Share of the {layer} tranche of the insurance fund {fund}, which pays the perp \
         engine's bad debt. Redeemable at the fund after a cooldown."
    )
}

/// Default logo of a tranche's share token: an embedded SVG, a disc with the tranche's letter.
pub fn default_share_token_logo(tranche: Tranche) -> cw20::Logo {
    let (colour, letter) = match tranche {
        Tranche::Junior => ("#d9480f", "J"),
        Tranche::Senior => ("#1864ab", "S"),
    };
    let svg = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">\
         <circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"{colour}\"/>\
         <text x=\"32\" y=\"44\" font-family=\"sans-serif\" font-size=\"34\" \
         text-anchor=\"middle\" fill=\"#ffffff\">{letter}</text></svg>"
    );
    cw20::Logo::Embedded(cw20::EmbeddedLogo::Svg(Binary::from(svg.into_bytes())))
}

/// The bounds of a share token's marketing: `project` and `description` of at most
/// [`MAX_MARKETING_TEXT`] bytes and a logo cw20-base accepts ([`check_logo`]); the reason when
/// broken. The fund checks its instantiation and `UpdateShareTokenMarketing` with it, and
/// governance a proposal carrying that change.
pub fn check_marketing(
    project: Option<&String>,
    description: Option<&String>,
    logo: Option<&cw20::Logo>,
) -> Result<(), &'static str> {
    if project.is_some_and(|p| p.len() > MAX_MARKETING_TEXT) {
        return Err("project may have at most 1000 bytes");
    }
    if description.is_some_and(|d| d.len() > MAX_MARKETING_TEXT) {
        return Err("description may have at most 1000 bytes");
    }
    logo.map_or(Ok(()), check_logo)
}

/// Why a change of a share token's marketing is refused ([`check_marketing_change`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarketingRefusal {
    /// Project, description and logo all absent: the change changes nothing.
    NoChange,
    /// Out of the bounds of [`check_marketing`]; the reason.
    Invalid(&'static str),
}

/// A change of a share token's marketing (`UpdateShareTokenMarketing`): at least one field
/// present, all within [`check_marketing`].
pub fn check_marketing_change(
    project: Option<&String>,
    description: Option<&String>,
    logo: Option<&cw20::Logo>,
) -> Result<(), MarketingRefusal> {
    if project.is_none() && description.is_none() && logo.is_none() {
        return Err(MarketingRefusal::NoChange);
    }
    check_marketing(project, description, logo).map_err(MarketingRefusal::Invalid)
}

/// The rules cw20-base applies to a logo (an SVG starts with an XML preamble `<?xml ...?>`, a
/// PNG with the PNG signature, either at most [`MAX_LOGO_BYTES`]); the reason when broken.
pub fn check_logo(logo: &cw20::Logo) -> Result<(), &'static str> {
    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let (data, svg) = match logo {
        cw20::Logo::Url(url) if url.trim().is_empty() => return Err("the logo URL is empty"),
        cw20::Logo::Url(_) => return Ok(()),
        cw20::Logo::Embedded(cw20::EmbeddedLogo::Svg(data)) => (data.as_slice(), true),
        cw20::Logo::Embedded(cw20::EmbeddedLogo::Png(data)) => (data.as_slice(), false),
    };
    if data.len() > MAX_LOGO_BYTES {
        return Err("an embedded logo may have at most 5 KiB");
    }
    if svg {
        let preamble = data.split_inclusive(|c| *c == b'>').next().unwrap_or(&[]);
        if !(preamble.starts_with(b"<?xml ") && preamble.ends_with(b"?>")) {
            return Err("an SVG logo must start with an XML preamble <?xml ...?>");
        }
    } else if !data.starts_with(&PNG_SIGNATURE) {
        return Err("a PNG logo must start with the PNG signature");
    }
    Ok(())
}

/// Instantiates the fund and, by submessage, its two cw20-base share tokens (fund = minter).
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// Address allowed to change parameters; any address (a DAO, a multisig, an account).
    pub governor: String,
    /// Address allowed only to switch pauses on.
    pub guardian: Option<String>,
    /// Perp engine allowed to claim shortfalls and report open interest; can be set later.
    pub engine: Option<String>,
    /// Bank denom of the collateral coin, e.g. an IBC USDC denom.
    pub collateral_denom: String,
    /// Decimals of the collateral coin (0 ..= 15); share tokens get three more.
    pub collateral_decimals: u8,
    /// Code id of a stored cw20-base contract used for both share tokens.
    pub share_token_code_id: u64,
    /// Junior share token name and symbol.
    pub junior_token: ShareTokenInfo,
    /// Senior share token name and symbol.
    pub senior_token: ShareTokenInfo,
    /// Wasm admin of the share token contracts (may migrate them); none makes them immutable.
    pub token_admin: Option<String>,
    /// Initial parameters; defaults are used when absent.
    pub params: Option<FundParams>,
}

/// Where an allocation from the protocol reserve goes.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ReserveTarget {
    /// Added to a tranche's assets, raising its share price (the tranche must have shares).
    Tranche(Tranche),
    /// Sent to an address as a bank transfer.
    Address(String),
}

/// The cw20 receive envelope, field for field `cw20::Cw20ReceiveMsg`, refusing unknown fields.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct Cw20Receive {
    /// Account that sent the tokens.
    pub sender: String,
    /// Tokens sent.
    pub amount: Uint128,
    /// The hook message, a JSON [`ReceiveMsg`].
    pub msg: Binary,
}

/// Two-step transfer of the governor role (cw-ownable's actions, wire-compatible). Renouncing
/// is deliberately not offered: the fund and the engine always have a governor, and answer
/// cw-ownable's `"renounce_ownership"` with a typed `RenounceNotOffered` error.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum GovernorAction {
    /// The governor proposes a new governor, optionally with an expiry for the offer.
    TransferOwnership {
        /// Proposed governor.
        new_owner: String,
        /// When the offer lapses.
        expiry: Option<Expiration>,
    },
    /// The proposed governor accepts.
    AcceptOwnership,
    /// cw-ownable's renounce, parsed only to be refused (`RenounceNotOffered`): the fund and
    /// the engine always have a governor.
    RenounceOwnership,
}

/// Execute messages of the fund.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ExecuteMsg {
    /// Deposit exactly one coin of the collateral denom into a tranche and mint shares to the
    /// sender. Fails if fewer than `min_shares` would be minted.
    Deposit {
        /// Tranche to buy shares of.
        tranche: Tranche,
        /// Least number of shares the sender accepts.
        min_shares: Option<Uint128>,
    },
    /// cw20 receive hook: share tokens sent here with a [`ReceiveMsg`].
    Receive(Cw20Receive),
    /// Pay out a cooled-down withdrawal request to its owner. The claim of a tranche's last
    /// share also moves what the tranche still holds (owned by no share) to the reserve.
    /// Refused while the engine reports a price shock in any market ([`QueryMsg::ClaimsPause`]).
    ClaimWithdrawal {
        /// Id of the request.
        request_id: u64,
    },
    /// Cancel a pending request; its shares go back to the owner.
    CancelWithdrawal {
        /// Id of the request.
        request_id: u64,
    },
    /// Return the shares of a request whose claim window has passed (anyone may call).
    ExpireWithdrawal {
        /// Id of the request.
        request_id: u64,
    },
    /// Add premium (exactly one coin of the collateral denom), split across tranches by weight.
    DepositPremium {},
    /// Engine only: pay a shortfall through the waterfall; the response data is a
    /// [`CoverShortfallResponse`].
    CoverShortfall {
        /// Engine-unique id; a given id is paid at most once.
        shortfall_id: u64,
        /// Bad debt asked for, in base units.
        amount: Uint128,
    },
    /// Engine only: report total open-interest notional, which sets the fund's target size.
    ReportOpenInterest {
        /// Total open-interest notional in base units.
        notional: Uint128,
    },
    /// Governor only: change economic parameters.
    UpdateParams(FundParamsUpdate),
    /// Governor only: change the engine and guardian addresses.
    UpdateConfig {
        /// New engine address.
        engine: Option<String>,
        /// New guardian address.
        guardian: Option<String>,
        /// Remove the guardian.
        remove_guardian: Option<bool>,
    },
    /// Governor: set pause flags. Guardian: may only switch flags on.
    SetPause {
        /// New deposits flag.
        deposits: Option<bool>,
        /// New withdrawals flag.
        withdrawals: Option<bool>,
    },
    /// Governor only: move part of the protocol reserve into a tranche or to an address.
    AllocateReserve {
        /// Base units to allocate.
        amount: Uint128,
        /// Destination.
        target: ReserveTarget,
    },
    /// Governor only: send coins that reached the fund outside its messages to an address.
    SweepDonations {
        /// Receiver of the surplus.
        recipient: String,
        /// Denom to sweep (default the collateral). For the collateral only the balance above
        /// the fund's books is sent; the books hold no other denom, so any other is sent whole.
        denom: Option<String>,
    },
    /// Governor transfer: the governor proposes, the new governor accepts.
    UpdateOwnership(GovernorAction),
    /// Governor only: change a share token's cw20 marketing (the fund is each token's
    /// marketing admin, so this authority moves with the governor role). Absent fields stay
    /// as they are; an empty `project` or `description` clears it (cw20-base's rule).
    UpdateShareTokenMarketing {
        /// Whose share token.
        tranche: Tranche,
        /// New project, at most [`MAX_MARKETING_TEXT`] bytes.
        project: Option<String>,
        /// New description, at most [`MAX_MARKETING_TEXT`] bytes.
        description: Option<String>,
        /// New logo ([`check_logo`]).
        logo: Option<cw20::Logo>,
    },
}

/// Messages accepted in the `msg` of a cw20 `Send` of share tokens to the fund.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub enum ReceiveMsg {
    /// Start a withdrawal of the sent shares: cooldown, then a claim window.
    RequestWithdrawal {},
}

/// Migrate message of the fund.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {}

/// Query messages of the fund.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The governor and any pending transfer of the role.
    #[returns(crate::Ownership)]
    Ownership {},
    /// Addresses, parameters and pause flags.
    #[returns(ConfigResponse)]
    Config {},
    /// Assets, supply and price of both tranches, the reserve, coverage and the payout window.
    #[returns(FundStateResponse)]
    State {},
    /// Annualized share-price growth of a tranche over (about) the last `window_seconds`.
    #[returns(YieldResponse)]
    Yield {
        /// Tranche to measure.
        tranche: Tranche,
        /// Look-back window in seconds.
        window_seconds: u64,
    },
    /// Fund assets against the target set by open interest.
    #[returns(CoverageResponse)]
    Coverage {
        /// Coverage if the engine's total open-interest notional were this (the engine asks
        /// with its current total when it splits fees); default the notional it last reported.
        open_interest: Option<Uint128>,
    },
    /// One underwriter's shares, their value, and a page of their withdrawal requests.
    #[returns(UnderwriterResponse)]
    Underwriter {
        /// Underwriter address.
        address: String,
        /// Request id to start after.
        start_after: Option<u64>,
        /// Requests per page (default 10, max 30).
        limit: Option<u32>,
    },
    /// One withdrawal request.
    #[returns(WithdrawalRequestResponse)]
    WithdrawalRequest {
        /// Request id.
        request_id: u64,
    },
    /// Withdrawal requests of an owner, by ascending id.
    #[returns(WithdrawalRequestsResponse)]
    WithdrawalRequests {
        /// Owner address.
        owner: String,
        /// Request id to start after.
        start_after: Option<u64>,
        /// Requests per page (default 10, max 30).
        limit: Option<u32>,
    },
    /// One entry of the loss ledger.
    #[returns(LossRecord)]
    Loss {
        /// Shortfall id given by the engine.
        shortfall_id: u64,
        /// Engine epoch the id belongs to (default: the current engine's).
        engine_epoch: Option<u32>,
    },
    /// The loss ledger of one engine epoch, by ascending shortfall id.
    #[returns(LossLedgerResponse)]
    LossLedger {
        /// Engine epoch (default: the current engine's).
        engine_epoch: Option<u32>,
        /// Shortfall id to start after.
        start_after: Option<u64>,
        /// Entries per page (default 10, max 30).
        limit: Option<u32>,
    },
    /// What a shortfall of `amount` asked now would take from each layer.
    #[returns(SimulateLossResponse)]
    SimulateLoss {
        /// Shortfall amount in base units.
        amount: Uint128,
    },
    /// What an index move of `price_move` (-0.3 = -30%) on `market` (or every market) now
    /// would cost the reserve, junior, senior and, socialized, the traders: the engine's
    /// estimated bad debt ([`crate::engine::QueryMsg::StressLoss`]) run through the same
    /// waterfall and payout cap as `SimulateLoss` (docs/fund.md#stress-query).
    #[returns(StressResponse)]
    Stress {
        /// Market id; none for every market.
        market: Option<String>,
        /// Relative index move, above -1.
        price_move: SignedDecimal,
    },
    /// Whether withdrawal claims are paused now by a price shock the engine reports, and until
    /// when.
    #[returns(ClaimsPauseResponse)]
    ClaimsPause {},
    /// Shares a deposit of `amount` into `tranche` would mint now.
    #[returns(PreviewDepositResponse)]
    PreviewDeposit {
        /// Tranche.
        tranche: Tranche,
        /// Deposit in base units.
        amount: Uint128,
    },
}

/// Response to [`QueryMsg::Config`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct ConfigResponse {
    /// Collateral denom.
    pub collateral_denom: String,
    /// Junior share token.
    pub junior_token: Addr,
    /// Senior share token.
    pub senior_token: Addr,
    /// Perp engine, if set.
    pub engine: Option<Addr>,
    /// Epoch of the current engine. Shortfall ids are the engine's own, so each engine address
    /// gets its own epoch (the next unused one when first set, its old one when set again) and
    /// the loss ledger is keyed by (epoch, shortfall id).
    pub engine_epoch: u32,
    /// Guardian, if set.
    pub guardian: Option<Addr>,
    /// Economic parameters.
    pub params: FundParams,
    /// Pause flags.
    pub pause: PauseFlags,
    /// Virtual share offset `V` of the price formula.
    pub virtual_shares: Uint128,
    /// Decimals of both share tokens.
    pub share_decimals: u8,
}

/// Figures of one tranche.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct TrancheView {
    /// Which tranche.
    pub tranche: Tranche,
    /// Collateral owned by the tranche, base units.
    pub assets: Uint128,
    /// Shares outstanding (equals the cw20 total supply).
    pub supply: Uint128,
    /// Base units per share unit: `(assets + 1) / (supply + V)`.
    pub price: Decimal256,
    /// Shares held by the fund for pending withdrawal requests.
    pub pending_withdrawal_shares: Uint128,
    /// Deposit cap.
    pub deposit_cap: DepositCap,
    /// Premium paid into the tranche that has not yet unlocked into `assets` (and the price).
    /// It is collateral: it counts in the fund's assets and pays the tranche's losses first.
    #[serde(default)]
    pub locked_premium: Uint128,
    /// When `locked_premium` will have fully unlocked (linearly until then); none when
    /// nothing is locked.
    #[serde(default)]
    pub unlock_end: Option<Timestamp>,
}

/// Usage of the current payout window.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct PayoutWindowView {
    /// Start of the window.
    pub start: Timestamp,
    /// End of the window (a new one starts at the first payout after it).
    pub end: Timestamp,
    /// Fund assets (reserve + tranches) when the window started.
    pub start_assets: Uint128,
    /// Most the fund pays within the window at the current `max_payout_bps`. After the
    /// governor lowers the cap mid-window, `paid` may exceed it; nothing more is paid then.
    pub cap: Uint128,
    /// Paid so far within the window.
    pub paid: Uint128,
}

/// Response to [`QueryMsg::State`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct FundStateResponse {
    /// Junior tranche.
    pub junior: TrancheView,
    /// Senior tranche.
    pub senior: TrancheView,
    /// Protocol reserve, base units (first layer of the waterfall).
    pub reserve: Uint128,
    /// Reserve plus both tranches (their assets and locked premium).
    pub total_assets: Uint128,
    /// Junior collateral (assets plus locked premium) over both tranches' collateral; none
    /// when both are empty.
    pub junior_ratio: Option<Decimal>,
    /// Coverage figures.
    pub coverage: CoverageResponse,
    /// Payout window usage as it stands (a window that has ended shows a fresh one).
    pub payout_window: PayoutWindowView,
}

/// Response to [`QueryMsg::Yield`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct YieldResponse {
    /// Tranche measured.
    pub tranche: Tranche,
    /// Time from which `price_then` held: the end of the hour of the latest price checkpoint at
    /// or before `now - window` (or of the earliest checkpoint when the fund is younger than the
    /// window), never before `now - window`. Checkpoints are kept per hour, so growth within
    /// that hour is not counted.
    pub from: Timestamp,
    /// Booked share price at `from`: `(assets + locked premium + 1) / (supply + V)`, so premium
    /// counts when it is paid, not as it unlocks.
    pub price_then: Decimal256,
    /// Booked share price now (as `price_then`).
    pub price_now: Decimal256,
    /// `(price_now / price_then - 1) * year / (now - from)`; zero when no time has passed.
    pub annualized: SignedDecimal256,
}

/// Response to [`QueryMsg::Coverage`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct CoverageResponse {
    /// Reserve plus both tranches (their assets and locked premium).
    pub total_assets: Uint128,
    /// Open-interest notional the figures use: the one asked about, else the one the engine
    /// last reported.
    pub open_interest_notional: Uint128,
    /// `ceil(target_coverage_bps * open_interest / 10000)`.
    pub target: Uint256,
    /// `total_assets / target`, rounded down; none when the target is zero.
    pub coverage_ratio: Option<Decimal256>,
}

/// One tranche of an underwriter's holdings.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct UnderwriterTranche {
    /// Shares in the underwriter's wallet.
    pub shares: Uint128,
    /// Their value at today's price, rounded down.
    pub value: Uint128,
}

/// Response to [`QueryMsg::Underwriter`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct UnderwriterResponse {
    /// Underwriter.
    pub address: Addr,
    /// Junior holdings.
    pub junior: UnderwriterTranche,
    /// Senior holdings.
    pub senior: UnderwriterTranche,
    /// A page of the underwriter's withdrawal requests.
    pub requests: Vec<WithdrawalRequestResponse>,
}

/// Where a withdrawal request stands.
#[cw_serde]
#[serde(deny_unknown_fields)]
#[derive(Copy, Eq)]
pub enum RequestStatus {
    /// Before its cooldown end.
    CoolingDown,
    /// Inside its claim window.
    Claimable,
    /// Past its claim window: can only be expired or cancelled, returning the shares.
    Lapsed,
}

/// A withdrawal request as stored, with its status and value now.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequestResponse {
    /// Request id.
    pub id: u64,
    /// Owner of the shares.
    pub owner: Addr,
    /// Tranche of the shares.
    pub tranche: Tranche,
    /// Shares held by the fund for this request.
    pub shares: Uint128,
    /// Share price at request time.
    pub price_at_request: Decimal256,
    /// When the request was made.
    pub requested_at: Timestamp,
    /// Claimable from this time.
    pub cooldown_end: Timestamp,
    /// Claimable until (exclusive) this time.
    pub claim_deadline: Timestamp,
    /// Status now.
    pub status: RequestStatus,
    /// What a claim would pay now: `shares * min(price at request, price now)`, rounded down.
    pub payout_now: Uint128,
}

/// Response to [`QueryMsg::WithdrawalRequests`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct WithdrawalRequestsResponse {
    /// The page.
    pub requests: Vec<WithdrawalRequestResponse>,
}

/// One entry of the loss ledger.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct LossRecord {
    /// Shortfall id given by the engine.
    pub shortfall_id: u64,
    /// Engine epoch of the shortfall (see [`ConfigResponse::engine_epoch`]); records written
    /// before epochs existed read as epoch 0.
    #[serde(default)]
    pub engine_epoch: u32,
    /// Block time of the payout.
    pub time: Timestamp,
    /// Amount asked.
    pub asked: Uint128,
    /// Paid from the protocol reserve.
    pub paid_by_reserve: Uint128,
    /// Paid from the junior tranche (its locked premium first, then its assets).
    pub paid_by_junior: Uint128,
    /// Paid from the senior tranche (its locked premium first, then its assets).
    pub paid_by_senior: Uint128,
    /// Left unpaid (cap or empty fund); the engine socializes it.
    pub unpaid: Uint128,
}

/// Response to [`QueryMsg::LossLedger`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct LossLedgerResponse {
    /// The page.
    pub losses: Vec<LossRecord>,
}

/// Response data of [`ExecuteMsg::CoverShortfall`], read by the engine's reply.
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct CoverShortfallResponse {
    /// Shortfall id.
    pub shortfall_id: u64,
    /// Amount asked.
    pub asked: Uint128,
    /// Amount sent to the engine.
    pub paid: Uint128,
    /// Amount left unpaid.
    pub unpaid: Uint128,
}

/// Response to [`QueryMsg::SimulateLoss`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct SimulateLossResponse {
    /// Amount simulated.
    pub asked: Uint128,
    /// What the payout window still allows.
    pub cap_remaining: Uint128,
    /// Taken from the reserve.
    pub from_reserve: Uint128,
    /// Taken from junior (its locked premium first, then its assets).
    pub from_junior: Uint128,
    /// Taken from senior (its locked premium first, then its assets).
    pub from_senior: Uint128,
    /// Left unpaid.
    pub unpaid: Uint128,
    /// Junior share price after.
    pub junior_price_after: Decimal256,
    /// Senior share price after.
    pub senior_price_after: Decimal256,
}

/// Response to [`QueryMsg::Stress`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct StressResponse {
    /// The engine's estimate, per market.
    pub engine: crate::engine::StressLossResponse,
    /// The waterfall of the estimated bad debt (`asked`); `unpaid` is what would be socialized
    /// over the traders' open margin.
    pub loss: SimulateLossResponse,
}

/// Response to [`QueryMsg::ClaimsPause`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct ClaimsPauseResponse {
    /// Claims are refused now (`ClaimsPausedByShock`).
    pub paused: bool,
    /// The latest time (seconds) any market of the engine is in a price shock, as the engine
    /// records it; claims are refused before it. 0 when no engine is set or it never had one.
    pub until: u64,
}

/// Response to [`QueryMsg::PreviewDeposit`].
#[cw_serde]
#[serde(deny_unknown_fields)]
pub struct PreviewDepositResponse {
    /// Shares the deposit would mint now (zero means it would be refused).
    pub shares: Uint128,
}
