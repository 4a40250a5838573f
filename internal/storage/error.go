package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/ncruces/go-sqlite3"
	"gorm.io/gorm"

	"github.com/soko-wms/soko/internal/soko"
)

// translate turns driver errors into soko errors, so callers and the HTTP
// layer never need to know which database answered.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var se *soko.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return soko.Errorf(soko.ENOTFOUND, "not found").JA("見つかりません")
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return conflict(pg.ConstraintName)
		case "23503":
			return soko.Errorf(soko.EINVALID, "refers to something that does not exist (%s)", pg.ConstraintName).
				JA("存在しないデータを参照しています")
		case "23514":
			return soko.Errorf(soko.ECONFLICT, "breaks a rule the database keeps (%s)", pg.ConstraintName).
				JA("データの整合性ルールに反するため実行できません")
		case "57P01", "57P02", "57P03", "08000", "08003", "08006", "53300":
			return unavailable(err)
		case "22021", "22P05":
			return soko.Errorf(soko.EINVALID, "text holds a character that cannot be stored (NUL or invalid UTF-8)").
				JA("保存できない文字（NUL文字や不正な文字コード）が含まれています")
		}
		return fmt.Errorf("db: %w", err)
	}
	switch {
	case errors.Is(err, sqlite3.CONSTRAINT_UNIQUE), errors.Is(err, sqlite3.CONSTRAINT_PRIMARYKEY):
		return conflict("")
	case errors.Is(err, sqlite3.CONSTRAINT_FOREIGNKEY):
		return soko.Errorf(soko.EINVALID, "refers to something that does not exist").JA("存在しないデータを参照しています")
	case errors.Is(err, sqlite3.CONSTRAINT_CHECK):
		return soko.Errorf(soko.ECONFLICT, "breaks a rule the database keeps").JA("データの整合性ルールに反するため実行できません")
	case errors.Is(err, sqlite3.BUSY):
		return unavailable(err)
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) {
		return unavailable(err)
	}
	return fmt.Errorf("db: %w", err)
}

func conflict(constraint string) error {
	return soko.Errorf(soko.ECONFLICT, "already exists (%s)", constraint).JA("すでに登録されています")
}

func unavailable(err error) error {
	return soko.Errorf(soko.EUNAVAILABLE, "database unavailable: %v", err).JA("データベースに一時的に接続できません")
}
