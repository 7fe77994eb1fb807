package io.switchboard.contract;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * A tenant admin's write, as the gateway's admin API forwards it to call-state inside an {@link AgentCommand} of type
 * {@code admin}: call-state, the one writer, validates it, stores it with its audit row and announces it in the
 * tenant's ordered stream, all in one transaction. The admin and the tenant come from the admin's token.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "action")
@JsonSubTypes({
        @JsonSubTypes.Type(value = AdminRequest.AddAgent.class, name = "add_agent"),
        @JsonSubTypes.Type(value = AdminRequest.ChangeAgent.class, name = "change_agent"),
        @JsonSubTypes.Type(value = AdminRequest.AddNumber.class, name = "add_number"),
        @JsonSubTypes.Type(value = AdminRequest.RemoveNumber.class, name = "remove_number"),
        @JsonSubTypes.Type(value = AdminRequest.ChangeSettings.class, name = "change_settings")
})
public sealed interface AdminRequest {

    /** A new agent, signed out and available. */
    record AddAgent(String id, String name, List<String> roles) implements AdminRequest {
    }

    /** Renames, sets the roles of, deactivates or reactivates an agent; a null field stays as it is. */
    record ChangeAgent(String id, String name, List<String> roles, Boolean active) implements AdminRequest {
    }

    /** A Twilio number of the account that should now reach the tenant (E.164). */
    record AddNumber(String phoneNumber) implements AdminRequest {
    }

    record RemoveNumber(String phoneNumber) implements AdminRequest {
    }

    /** Replaces the tenant's settings as a whole: what the admin read, edited. */
    record ChangeSettings(TenantSettings settings) implements AdminRequest {
    }
}
