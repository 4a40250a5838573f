package server

import (
	"bytes"
	"context"
	"image/png"
	"net/http"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// portalAccountWords are the words of the portal's account view and of
// the sign-in's second step.
var portalAccountWords = map[string]soko.Text{
	"account":         {JA: "アカウント", EN: "Account"},
	"totp":            {JA: "2段階認証", EN: "Two-step sign-in"},
	"totp_on":         {JA: "有効", EN: "on"},
	"totp_off":        {JA: "未設定", EN: "off"},
	"totp_help":       {JA: "パスワードに加えて、スマートフォンの認証アプリ（Google Authenticator・Microsoft Authenticator など）が30秒ごとに表示する6桁のコードでログインします。", EN: "Sign in with the password and the six-digit code your phone's authenticator app (Google Authenticator, Microsoft Authenticator …) shows every 30 seconds."},
	"totp_start":      {JA: "2段階認証を設定する", EN: "Set up two-step sign-in"},
	"totp_scan":       {JA: "認証アプリでこのQRコードを読み取ってください。読み取れない場合は下の文字列を入力してください。", EN: "Scan this QR code with the authenticator app, or type the key below."},
	"totp_qr":         {JA: "認証アプリ用のQRコード", EN: "QR code for the authenticator app"},
	"totp_secret":     {JA: "キー：", EN: "Key: "},
	"totp_code":       {JA: "確認コード（6桁）", EN: "Code (6 digits)"},
	"totp_turn_on":    {JA: "確認して有効にする", EN: "Verify and turn on"},
	"totp_enabled":    {JA: "2段階認証を有効にしました", EN: "Two-step sign-in is on"},
	"totp_codes_help": {JA: "リカバリーコードです。スマートフォンをなくしたときに、確認コードの代わりに1つずつ1回だけ使えます。この画面を離れると二度と表示されません。印刷するか、安全な場所に保管してください。", EN: "Your recovery codes: each signs in once in place of a code if you lose your phone. They will not be shown again: print them or keep them somewhere safe."},
	"totp_lost":       {JA: "スマートフォンとリカバリーコードの両方をなくした場合は、倉庫の管理者に2段階認証のリセットを依頼してください。", EN: "If you lose both your phone and your recovery codes, ask the warehouse's admin to reset your two-step sign-in."},
	"totp_step_help":  {JA: "認証アプリに表示されている6桁の確認コード、またはリカバリーコードを入力してください。", EN: "Enter the six-digit code your authenticator app shows, or a recovery code."},
	"totp_verify":     {JA: "確認", EN: "Verify"},
	"totp_turn_off":   {JA: "2段階認証を無効にする", EN: "Turn two-step sign-in off"},
	"totp_disabled":   {JA: "2段階認証を無効にしました", EN: "Two-step sign-in is off"},
	"recovery_used":   {JA: "リカバリーコードでログインしました。残りのコードを確認してください", EN: "Signed in with a recovery code: check how many you have left"},
}

// totpStore is what the portal's second factor needs from storage.
type totpStore interface {
	StartTOTP(ctx context.Context, userID int64) (string, error)
	ConfirmTOTP(ctx context.Context, userID int64, code string) ([]string, error)
	CreateTOTPChallenge(ctx context.Context, userID int64) (string, error)
	FindTOTPChallenge(ctx context.Context, token string) (*soko.PortalUser, error)
	PassTOTPChallenge(ctx context.Context, userID int64, token, code string) (bool, error)
	ResetPortalTOTP(ctx context.Context, merchantID, userID int64) (*soko.PortalUser, error)
	TurnOffTOTP(ctx context.Context, userID int64, code string) error
}

// totpQRSize is the QR code's side in pixels: large enough for a phone
// held at arm's length to read from a laptop's screen.
const totpQRSize = 240

// StartPortalTOTP answers POST /portal/totp: a new secret for the signed-in
// user's authenticator app, in text and as a QR code of its otpauth link.
func (h apiHandlers) StartPortalTOTP(ctx context.Context, _ api.StartPortalTOTPRequestObject) (api.StartPortalTOTPResponseObject, error) {
	sess, _ := portalSessionOf(ctx)
	secret, err := h.store.StartTOTP(ctx, sess.User.ID)
	if err != nil {
		return nil, err
	}
	issuer := h.warehouseName
	if issuer == "" {
		issuer = "soko"
	}
	uri := soko.TOTPURI(issuer, sess.User.Email, secret)
	code, err := qr.Encode(uri, qr.M, qr.Auto)
	if err != nil {
		return nil, err
	}
	if code, err = barcode.Scale(code, totpQRSize, totpQRSize); err != nil {
		return nil, err
	}
	var img bytes.Buffer
	if err := png.Encode(&img, code); err != nil {
		return nil, err
	}
	return api.StartPortalTOTP200JSONResponse{Secret: secret, Uri: uri, QrPng: img.Bytes()}, nil
}

// ConfirmPortalTOTP answers POST /portal/totp/confirm: a code of the new
// secret turns two-step sign-in on and brings the recovery codes, once.
func (h apiHandlers) ConfirmPortalTOTP(ctx context.Context, req api.ConfirmPortalTOTPRequestObject) (api.ConfirmPortalTOTPResponseObject, error) {
	sess, _ := portalSessionOf(ctx)
	codes, err := h.store.ConfirmTOTP(ctx, sess.User.ID, req.Body.Code)
	if err != nil {
		return nil, err
	}
	h.log.Info("portal two-step sign-in turned on", "email", sess.User.Email, "ip", soko.ActorOf(ctx).Address)
	return api.ConfirmPortalTOTP200JSONResponse{RecoveryCodes: codes}, nil
}

// DisablePortalTOTP answers POST /portal/totp/disable: the signed-in user
// turns their own two-step sign-in off with a current code, each counted
// as a password is.
func (h apiHandlers) DisablePortalTOTP(ctx context.Context, req api.DisablePortalTOTPRequestObject) (api.DisablePortalTOTPResponseObject, error) {
	sess, _ := portalSessionOf(ctx)
	attempt, err := h.store.ClaimPortalLogin(ctx, sess.User.ID)
	if err != nil {
		return nil, err
	}
	err = h.store.TurnOffTOTP(ctx, sess.User.ID, req.Body.Code)
	// Only a wrong code counts as a wrong password.
	if err := h.store.SettlePortalLogin(ctx, attempt, soko.ErrorCode(err) != soko.EUNAUTHORIZED); err != nil {
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	h.log.Info("portal two-step sign-in turned off", "email", sess.User.Email, "ip", soko.ActorOf(ctx).Address)
	return api.DisablePortalTOTP204Response{}, nil
}

// PassPortalTOTP answers POST /portal/session/totp: the second step of
// signing in. Each code is counted as a password is (ClaimPortalLogin), so
// wrong codes make the account wait as wrong passwords do; a right one
// signs in and cannot sign in again (PassTOTPChallenge).
func (h apiHandlers) PassPortalTOTP(ctx context.Context, req api.PassPortalTOTPRequestObject) (api.PassPortalTOTPResponseObject, error) {
	ip := soko.ActorOf(ctx).Address
	u, err := h.store.FindTOTPChallenge(ctx, req.Body.Challenge)
	if err != nil {
		if soko.ErrorCode(err) == soko.EUNAUTHORIZED {
			h.log.Warn("portal code refused: no live challenge", "ip", ip)
		}
		return nil, err
	}
	attempt, err := h.store.ClaimPortalLogin(ctx, u.ID)
	if err != nil {
		if soko.ErrorCode(err) == soko.ELOCKED {
			h.log.Warn("portal code refused: account locked", "email", u.Email, "ip", ip)
		}
		return nil, err
	}
	recovery, err := h.store.PassTOTPChallenge(ctx, u.ID, req.Body.Challenge, req.Body.Code)
	if err != nil && soko.ErrorCode(err) != soko.EUNAUTHORIZED {
		return nil, err
	}
	right := err == nil
	if err := h.store.SettlePortalLogin(ctx, attempt, right); err != nil {
		return nil, err
	}
	if !right {
		if wait := soko.BadgeWait(attempt.Count); wait > 0 {
			h.log.Warn("portal account locked after wrong codes", "email", u.Email, "ip", ip, "wrong", attempt.Count, "wait", wait)
			return nil, soko.PortalLocked(h.now().Add(wait), h.now())
		}
		h.log.Warn("portal sign-in refused: wrong code", "email", u.Email, "ip", ip)
		return nil, err
	}
	if recovery {
		h.log.Warn("portal sign-in with a recovery code", "email", u.Email, "ip", ip)
	}
	return h.startPortalSession(ctx, u)
}

// startPortalSession makes a session for a user who passed every step of
// signing in, and the answer that sets its cookie.
func (h apiHandlers) startPortalSession(ctx context.Context, u *soko.PortalUser) (portalSignedIn, error) {
	sess, token, err := h.store.CreatePortalSession(ctx, u)
	if err != nil {
		return portalSignedIn{}, err
	}
	return portalSignedIn{session: portalSessionOut(sess), cookie: &http.Cookie{
		Name: portalCookie, Value: token, Path: portalBase, HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: h.secureCookies || viaHTTPS(ctx), Expires: sess.ExpiresAt, MaxAge: int(sess.ExpiresAt.Sub(h.now()).Seconds()),
	}}, nil
}

func (r portalSignedIn) VisitPassPortalTOTPResponse(w http.ResponseWriter) error {
	return r.VisitPortalSignInResponse(w)
}
