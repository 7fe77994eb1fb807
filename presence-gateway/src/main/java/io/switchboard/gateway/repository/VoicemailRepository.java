package io.switchboard.gateway.repository;

import io.smallrye.mutiny.Uni;
import io.switchboard.contract.db.TenantScope;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The voicemails call-state stores ({@code voicemails}), as playback needs them; read as the tenant
 * ({@link TenantScope}).
 */
@ApplicationScoped
public class VoicemailRepository {
    private final Pool pool;

    public VoicemailRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Twilio's URL of the tenant's voicemail, done or not (the history names done ones too); empty when the tenant has
     * no voicemail of that id, another tenant's included.
     */
    public Uni<Optional<String>> recordingUrl(String tenantId, String voicemailId) {
        return TenantScope.read(pool, tenantId, connection -> connection
                        .preparedQuery("SELECT recording_url FROM voicemails WHERE tenant_id = $1 AND id = $2")
                        .execute(Tuple.of(tenantId, voicemailId)))
                .map(rows -> {
                    RowIterator<Row> it = rows.iterator();
                    return it.hasNext() ? Optional.of(it.next().getString("recording_url")) : Optional.empty();
                });
    }
}
