use cosmwasm_std::{DepsMut, Env, MessageInfo, Response, Storage, Timestamp, Uint128};
use cw_utils::must_pay;
use tranche_perps_types::fund::Tranche;

use crate::error::ContractError;
use crate::math::{split_premium, Price};
use crate::state::{
    load_books, save_books, tranche_key, TrancheState, CONFIG, PREMIUM_PARAMS, PRICE_CHECKPOINTS,
    RESERVE,
};

/// Adds the one collateral coin sent as premium: split between the tranches by risk weight and
/// locked in each to unlock over `premium_unlock_seconds`, or kept as protocol reserve when
/// neither tranche has shares.
pub fn deposit_premium(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    let premium = must_pay(&info, &config.collateral_denom)?;
    let params = PREMIUM_PARAMS.load(deps.storage)?;
    let now = env.block.time;
    let mut junior = load_books(deps.storage, Tranche::Junior, now)?;
    let mut senior = load_books(deps.storage, Tranche::Senior, now)?;

    // A tranche without shares earns nothing: its premium would go to its next depositor.
    // A tranche's weight is all the collateral it risks, its locked premium included.
    let earning = |t: &TrancheState| -> Result<Uint128, ContractError> {
        if t.supply.is_zero() {
            Ok(Uint128::zero())
        } else {
            t.collateral()
        }
    };
    let (junior_assets, senior_assets) = (earning(&junior)?, earning(&senior)?);
    let (to_junior, to_senior, to_reserve) = if junior_assets.is_zero() && senior_assets.is_zero() {
        (Uint128::zero(), Uint128::zero(), premium)
    } else {
        let (j, s) = split_premium(
            premium,
            params.junior_weight,
            junior_assets,
            params.senior_weight,
            senior_assets,
        )?;
        (j, s, Uint128::zero())
    };
    // Premium is earned over time: it unlocks into the share price over the unlock period, so
    // it goes to whoever holds shares while it unlocks, not to whoever holds them now. Only
    // the records that receive something are written.
    let period = params.premium_unlock_seconds;
    for (tranche, books, amount) in [
        (Tranche::Junior, &mut junior, to_junior),
        (Tranche::Senior, &mut senior, to_senior),
    ] {
        if !amount.is_zero() {
            books.lock(amount, now.seconds(), period)?;
            save_books(deps.storage, tranche, books)?;
            save_checkpoint(deps.storage, now, tranche, books)?;
        }
    }
    if !to_reserve.is_zero() {
        let reserve = RESERVE.load(deps.storage)?.checked_add(to_reserve)?;
        RESERVE.save(deps.storage, &reserve)?;
    }

    Ok(Response::new()
        .add_attribute("action", "deposit_premium")
        .add_attribute("sender", info.sender)
        .add_attribute("amount", premium)
        .add_attribute("to_junior", to_junior)
        .add_attribute("to_senior", to_senior)
        .add_attribute("to_reserve", to_reserve))
}

/// Hour bucket of a timestamp, the key of price checkpoints.
pub fn checkpoint_hour(time: Timestamp) -> u64 {
    time.seconds() / 3_600
}

/// Records the booked price of `tranche` now ([`Price::booked`] of its `books`: its locked
/// premium counted) as the checkpoint of the current hour.
pub fn save_checkpoint(
    storage: &mut dyn Storage,
    now: Timestamp,
    tranche: Tranche,
    books: &TrancheState,
) -> Result<(), ContractError> {
    let price = Price::booked(books)?.to_decimal();
    PRICE_CHECKPOINTS.save(
        storage,
        (tranche_key(tranche), checkpoint_hour(now)),
        &price,
    )?;
    Ok(())
}
