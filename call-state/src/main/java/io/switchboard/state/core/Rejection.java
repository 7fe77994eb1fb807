package io.switchboard.state.core;

import io.switchboard.contract.ErrorCode;

/** Why a command changes nothing, in a code for clients and a sentence for people. */
public record Rejection(ErrorCode code, String message) {
}
