-- the county dashboard recomputes only townships written since it last looked
-- (`dashboard_parts`): find them by sequence, and their visits by township.
CREATE INDEX facilities_by_seq ON facilities(updated_seq);
CREATE INDEX visits_by_township ON visits(township);
