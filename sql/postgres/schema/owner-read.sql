SELECT owner FROM {{schema}}.warehouse_owner;
