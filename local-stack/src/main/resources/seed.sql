-- The local stack's tenant; safe to apply again.
INSERT INTO tenants (id, name) VALUES ('acme', 'Acme') ON CONFLICT DO NOTHING;
INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+15005550006', 'acme') ON CONFLICT DO NOTHING;
INSERT INTO voip_users (tenant_id, id, name) VALUES ('acme', 'doug', 'Doug'), ('acme', 'rhonda', 'Rhonda')
    ON CONFLICT DO NOTHING;
