"""Reports: the year-end awards report of a unit's subtree (page, XLSX, PDF, API) and the metrics per unit as XLSX."""
