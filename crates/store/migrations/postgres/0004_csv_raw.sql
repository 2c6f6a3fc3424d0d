-- A job or lead known from both the API and a CSV export keeps both: `raw` is the API's record
-- (its fields win), `csv_raw` the export's row; `origin` says 'api', 'csv' or 'api+csv'.
ALTER TABLE jobs ADD COLUMN csv_raw TEXT;
ALTER TABLE leads ADD COLUMN csv_raw TEXT;
