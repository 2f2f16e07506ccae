// @tranche-perps/client: typed CosmJS clients of the tranche-perps contracts, generated from
// schema/ (src/generated), plus the cw20 hooks, the deployment shape and readable errors.
export * from "./generated/InsuranceFund.client";
export * from "./generated/Governance.client";
export * from "./generated/PerpEngine.client";
export * from "./generated/ShareToken.client";
// Message and response types, one namespace per contract (their names overlap: ExecuteMsg,
// QueryMsg, Uint128, ...).
export * as InsuranceFundTypes from "./generated/InsuranceFund.types";
export * as GovernanceTypes from "./generated/Governance.types";
export * as PerpEngineTypes from "./generated/PerpEngine.types";
export * as ShareTokenTypes from "./generated/ShareToken.types";
export * from "./hooks";
export * from "./deployment";
export * from "./errors";
