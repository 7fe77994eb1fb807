package io.switchboard.gateway.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the gateway needs to route one state change: whose it is and where it goes in the tenant's order. The rest of
 * the record is the client's business and is forwarded as it came.
 */
public record ChangeHeader(String type, String tenantId, Long seq) {

    /** @throws IllegalArgumentException when the value is not a state change the gateway can route */
    public static ChangeHeader parse(ObjectMapper mapper, String value) {
        ChangeHeader header;
        try {
            header = mapper.readValue(value, ChangeHeader.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage(), e);
        }
        if (header == null || header.type() == null || header.tenantId() == null || header.seq() == null) {
            throw new IllegalArgumentException("type, tenantId and seq are required");
        }
        return header;
    }
}
