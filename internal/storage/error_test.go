package storage

import (
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/soko-wms/soko/internal/soko"
)

// TestTranslate_DatabaseAwayIsUnavailable: a PostgreSQL shutting down,
// restarting, unreachable or out of connection slots is a 503 to retry, not
// an internal error.
func TestTranslate_DatabaseAwayIsUnavailable(t *testing.T) {
	for _, code := range []string{"57P01", "57P02", "57P03", "08000", "08003", "08006", "53300"} {
		if got := soko.ErrorCode(translate(&pgconn.PgError{Code: code})); got != soko.EUNAVAILABLE {
			t.Errorf("PostgreSQL error %s is %q, want %q", code, got, soko.EUNAVAILABLE)
		}
	}
	if got := soko.ErrorCode(translate(&pgconn.PgError{Code: "23505", ConstraintName: "orders_merchant_id_number_key"})); got != soko.ECONFLICT {
		t.Errorf("a unique violation is %q", got)
	}
}
