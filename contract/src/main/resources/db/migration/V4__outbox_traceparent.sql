-- The W3C trace context (traceparent) a change was made in, when tracing is on: the relay publishes the change as
-- part of that trace, so one call's trace runs on across the outbox's commit to the gateways. NULL when not traced.
ALTER TABLE outbox ADD COLUMN traceparent text;
