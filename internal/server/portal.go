package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/soko-wms/soko/internal/password"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// portalBase is where the merchant portal lives: its page, its own
// operations (session, password reset, users) and, under portalBase+apiBase,
// the merchant API served to its session.
const portalBase = "/portal"

// portalCookie is the portal session's cookie, sent only to the portal.
const portalCookie = "soko_portal"

// portalStore is what the portal needs from storage.
type portalStore interface {
	FindPortalUserByEmail(ctx context.Context, email string) (*soko.PortalUser, error)
	PortalUsers(ctx context.Context, merchantID int64) ([]*soko.PortalUser, error)
	CreatePortalUser(ctx context.Context, u *soko.PortalUser, invite bool) (string, error)
	SetPortalUserActive(ctx context.Context, merchantID, id int64, active bool) (*soko.PortalUser, error)
	ClaimPortalLogin(ctx context.Context, userID int64) (*soko.PortalLoginAttempt, error)
	SettlePortalLogin(ctx context.Context, a *soko.PortalLoginAttempt, right bool) error
	ClaimUnknownPortalLogin(ctx context.Context, bucket string) (*soko.PortalLoginAttempt, error)
	CreatePortalSession(ctx context.Context, u *soko.PortalUser) (*soko.PortalSession, string, error)
	FindPortalSession(ctx context.Context, token string) (*soko.PortalSession, error)
	DeletePortalSession(ctx context.Context, id int64) error
	RequestPasswordReset(ctx context.Context, email string) (string, error)
	ResetPassword(ctx context.Context, token, passwordHash string) (*soko.PortalUser, error)
	totpStore
}

// portalSessionKey carries the portal session through a request's context.
type portalSessionKey struct{}

// portalSessionOf returns the signed-in portal user's session, if any.
func portalSessionOf(ctx context.Context) (*soko.PortalSession, bool) {
	s, ok := ctx.Value(portalSessionKey{}).(*soko.PortalSession)
	return s, ok
}

// portalOwner returns the session of a signed-in owner, or refuses.
func portalOwner(ctx context.Context) (*soko.PortalSession, error) {
	s, ok := portalSessionOf(ctx)
	if !ok {
		panic("portal handler reached without a portal session")
	}
	if s.User.Role != soko.PortalOwner {
		return nil, soko.Errorf(soko.EFORBIDDEN, "only the merchant's owners manage portal users").JA("ポータルのユーザー管理はオーナーだけが行えます")
	}
	return s, nil
}

// isPortalOpen reports whether the request is one of the portal calls made
// without a session: signing in and the password reset.
func isPortalOpen(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	switch r.URL.Path {
	case portalBase + "/session", portalBase + "/session/totp", portalBase + "/password-reset", portalBase + "/password-reset/confirm":
		return true
	}
	return false
}

// portalSession resolves the portal cookie to a signed-in portal user, and
// guards the calls made without one by the sign-in limits.
func (s *Server) portalSession(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := context.WithValue(r.Context(), langKey{}, language(r))
		r = r.WithContext(ctx)
		if isPortalOpen(r) {
			return s.guardPortalSignIn(w, r, next)
		}
		cookie, err := r.Cookie(portalCookie)
		if err != nil || cookie.Value == "" {
			return soko.Errorf(soko.EUNAUTHORIZED, "sign in to the portal").JA("ポータルにログインしてください")
		}
		sess, err := s.store.FindPortalSession(ctx, cookie.Value)
		if err != nil {
			return err
		}
		ctx = soko.WithActor(context.WithValue(ctx, portalSessionKey{}, sess), portalActor(ctx, sess))
		return next(w, r.WithContext(ctx))
	}
}

// portalActor is who a portal user's changes are made by.
func portalActor(ctx context.Context, sess *soko.PortalSession) soko.Actor {
	return soko.Actor{Kind: soko.ActorPortalUser, PortalUserID: sess.User.ID, MerchantID: sess.User.MerchantID, Address: clientIP(ctx)}
}

// guardPortalSignIn counts a sign-in or reset request against the
// per-address and overall limits the staff sign-in counts against (in
// buckets of their own), and takes a right sign-in's count back, so only
// wrong passwords and unknown emails use the limits up.
func (s *Server) guardPortalSignIn(w http.ResponseWriter, r *http.Request, next handler) error {
	ctx := r.Context()
	ip := clientIP(ctx)
	limits := []windowLimit{{"portal-signin:ip:" + ip, s.signInsPerAddress}, {"portal-signin:all", s.signInsOverall}}
	// Until a user is known, the address is all an audit entry can name.
	ctx = soko.WithActor(ctx, soko.Actor{Kind: soko.ActorPortalUser, Address: ip})
	r = r.WithContext(ctx)
	start, err := s.hitLimits(ctx, limits)
	if err != nil {
		if soko.ErrorCode(err) == soko.ETOOMANY {
			s.log.Warn("portal sign-in rate limited", "ip", ip)
		}
		return err
	}
	if err := next(w, r); err != nil {
		return err
	}
	// A right password (200, or 202 when a code must follow) and a right
	// code are taken back; wrong codes count as wrong passwords do.
	switch p, st := r.URL.Path, answeredStatus(w); {
	case p == portalBase+"/session" && (st == http.StatusOK || st == http.StatusAccepted),
		p == portalBase+"/session/totp" && st == http.StatusOK:
		for _, l := range limits {
			if err := s.store.Unhit(ctx, l.bucket, start); err != nil {
				s.log.Warn("portal sign-in limit not taken back", "bucket", l.bucket, "err", err)
			}
		}
	}
	return nil
}

// checkPortalCSRF requires the portal session's token in X-CSRF-Token on
// every change, as checkCSRF does for staff.
func (s *Server) checkPortalCSRF(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(w, r)
		}
		if isPortalOpen(r) {
			return next(w, r)
		}
		sess, _ := portalSessionOf(r.Context())
		got := r.Header.Get("X-CSRF-Token")
		if sess == nil || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
			return soko.Errorf(soko.EFORBIDDEN, "missing or wrong CSRF token").JA("画面を読み込み直してください（CSRFトークンが一致しません）")
		}
		return next(w, r)
	}
}

// portalAsMerchant makes a portal session the caller of the merchant API:
// a key of the user's merchant with the scopes of the user's role, the
// user as the actor of every change, and the request's path the API's own,
// so the document's route, the idempotency keys and the handlers are the
// very ones a key uses.
func (s *Server) portalAsMerchant(next handler) handler {
	return func(w http.ResponseWriter, req *http.Request) error {
		sess, _ := portalSessionOf(req.Context())
		key := &soko.APIKey{MerchantID: sess.User.MerchantID, Name: "portal:" + sess.User.Email, Scopes: sess.User.Role.Scopes()}
		if key.Scopes == nil {
			key.Scopes = []string{}
		}
		ctx := context.WithValue(req.Context(), callerKey{}, key)
		u := *req.URL
		u.Path = strings.TrimPrefix(u.Path, portalBase)
		u.RawPath = strings.TrimPrefix(u.RawPath, portalBase)
		req = req.WithContext(ctx)
		req.URL = &u
		req.RequestURI = strings.TrimPrefix(req.RequestURI, portalBase)
		return next(w, req)
	}
}

func portalSessionOut(sess *soko.PortalSession) api.PortalSession {
	scopes := sess.User.Role.Scopes()
	if scopes == nil {
		scopes = []string{}
	}
	return api.PortalSession{
		Email: sess.User.Email, Name: sess.User.Name, Role: api.PortalSessionRole(sess.User.Role),
		MerchantCode: sess.Merchant.Code, MerchantName: sess.Merchant.Name, CsrfToken: sess.CSRFToken, Scopes: scopes,
		TotpEnabled: sess.User.TOTPOn,
	}
}

func portalUserOut(u *soko.PortalUser) api.PortalUser {
	out := api.PortalUser{
		Id: u.ID, Email: u.Email, Name: u.Name, Role: api.PortalUserRole(u.Role), Active: u.Active,
		PasswordSet: u.PasswordHash != "", CreatedAt: apiTime(u.CreatedAt), TotpEnabled: u.TOTPOn,
	}
	if !u.LockedUntil.IsZero() {
		t := apiTime(u.LockedUntil)
		out.LockedUntil = &t
	}
	return out
}

// GetPortalSession answers GET /portal/session.
func (h apiHandlers) GetPortalSession(ctx context.Context, _ api.GetPortalSessionRequestObject) (api.GetPortalSessionResponseObject, error) {
	sess, _ := portalSessionOf(ctx)
	return api.GetPortalSession200JSONResponse(portalSessionOut(sess)), nil
}

// portalSignedIn answers a portal sign-in with the session and its cookie.
type portalSignedIn struct {
	session api.PortalSession
	cookie  *http.Cookie
}

func (r portalSignedIn) VisitPortalSignInResponse(w http.ResponseWriter) error {
	http.SetCookie(w, r.cookie)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(r.session)
}

// PortalSignIn answers POST /portal/session: an email and password become
// a session. A wrong email and a wrong password get the same answer; the
// account waits after five wrong passwords in a row (ClaimPortalLogin).
// Every refusal is logged with the email and address, never the password.
func (h apiHandlers) PortalSignIn(ctx context.Context, req api.PortalSignInRequestObject) (api.PortalSignInResponseObject, error) {
	ip := soko.ActorOf(ctx).Address
	email := soko.NormalEmail(req.Body.Email)
	wrong := soko.Errorf(soko.EUNAUTHORIZED, "wrong email or password").JA("メールアドレスまたはパスワードが違います")
	u, err := h.store.FindPortalUserByEmail(ctx, email)
	if soko.ErrorCode(err) == soko.ENOTFOUND || (err == nil && !u.Active) {
		password.Check("", req.Body.Password)
		h.log.Warn("portal sign-in refused: unknown email", "email", email, "ip", ip)
		return nil, h.unknownPortalEmail(ctx, email, wrong)
	} else if err != nil {
		return nil, err
	}
	attempt, err := h.store.ClaimPortalLogin(ctx, u.ID)
	if err != nil {
		if soko.ErrorCode(err) == soko.ELOCKED {
			h.log.Warn("portal sign-in refused: account locked", "email", email, "ip", ip)
		}
		return nil, err
	}
	right := password.Check(u.PasswordHash, req.Body.Password)
	if err := h.store.SettlePortalLogin(ctx, attempt, right); err != nil {
		return nil, err
	}
	if !right {
		if wait := soko.BadgeWait(attempt.Count); wait > 0 {
			h.log.Warn("portal account locked after wrong passwords", "email", email, "ip", ip, "wrong", attempt.Count, "wait", wait)
			return nil, soko.PortalLocked(h.now().Add(wait), h.now())
		}
		h.log.Warn("portal sign-in refused: wrong password", "email", email, "ip", ip)
		return nil, wrong
	}
	if u.TOTPOn {
		// The password alone makes no session: the code must follow (totp.go).
		challenge, err := h.store.CreateTOTPChallenge(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		return api.PortalSignIn202JSONResponse{SecondFactor: api.Totp, Challenge: challenge}, nil
	}
	return h.startPortalSession(ctx, u)
}

// unknownPortalEmail answers a sign-in to an email without an active
// account as one with an account would be answered: wrong, and locked
// after as many wrong passwords in a row as lock an account, for as long,
// so the answers do not tell a guesser which emails have accounts. The
// count is kept under a hash of the email, not the email.
func (h apiHandlers) unknownPortalEmail(ctx context.Context, email string, wrong error) error {
	sum := sha256.Sum256([]byte(email))
	attempt, err := h.store.ClaimUnknownPortalLogin(ctx, "portal-signin:unknown:"+hex.EncodeToString(sum[:12]))
	if err != nil {
		return err
	}
	if wait := soko.BadgeWait(attempt.Count); wait > 0 {
		return soko.PortalLocked(h.now().Add(wait), h.now())
	}
	return wrong
}

// portalSignedOut answers a portal sign-out and clears the cookie.
type portalSignedOut struct{ secure bool }

func (r portalSignedOut) VisitPortalSignOutResponse(w http.ResponseWriter) error {
	http.SetCookie(w, &http.Cookie{Name: portalCookie, Value: "", Path: portalBase, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.secure, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PortalSignOut answers DELETE /portal/session.
func (h apiHandlers) PortalSignOut(ctx context.Context, _ api.PortalSignOutRequestObject) (api.PortalSignOutResponseObject, error) {
	sess, _ := portalSessionOf(ctx)
	if err := h.store.DeletePortalSession(ctx, sess.ID); err != nil {
		return nil, err
	}
	return portalSignedOut{secure: h.secureCookies || viaHTTPS(ctx)}, nil
}

// RequestPasswordReset answers POST /portal/password-reset: the same 202
// whether the email has an account or not.
func (h apiHandlers) RequestPasswordReset(ctx context.Context, req api.RequestPasswordResetRequestObject) (api.RequestPasswordResetResponseObject, error) {
	_, err := h.store.RequestPasswordReset(ctx, req.Body.Email)
	switch {
	case soko.ErrorCode(err) == soko.ENOTFOUND:
		h.log.Info("password reset for no portal user", "email", soko.NormalEmail(req.Body.Email), "ip", soko.ActorOf(ctx).Address)
	case err != nil:
		return nil, err
	}
	return api.RequestPasswordReset202Response{}, nil
}

// ResetPassword answers POST /portal/password-reset/confirm.
func (h apiHandlers) ResetPassword(ctx context.Context, req api.ResetPasswordRequestObject) (api.ResetPasswordResponseObject, error) {
	if err := soko.CheckPassword(req.Body.Password); err != nil {
		return nil, err
	}
	hash, err := password.Hash(req.Body.Password)
	if err != nil {
		return nil, err
	}
	if _, err := h.store.ResetPassword(ctx, req.Body.Token, hash); err != nil {
		return nil, err
	}
	return api.ResetPassword204Response{}, nil
}

// ListPortalUsers answers GET /portal/users.
func (h apiHandlers) ListPortalUsers(ctx context.Context, _ api.ListPortalUsersRequestObject) (api.ListPortalUsersResponseObject, error) {
	sess, err := portalOwner(ctx)
	if err != nil {
		return nil, err
	}
	users, err := h.store.PortalUsers(ctx, sess.User.MerchantID)
	if err != nil {
		return nil, err
	}
	out := api.ListPortalUsers200JSONResponse{Data: make([]api.PortalUser, len(users))}
	for i, u := range users {
		out.Data[i] = portalUserOut(u)
	}
	return out, nil
}

// InvitePortalUser answers POST /portal/users: an owner invites a person
// to the merchant's portal.
func (h apiHandlers) InvitePortalUser(ctx context.Context, req api.InvitePortalUserRequestObject) (api.InvitePortalUserResponseObject, error) {
	sess, err := portalOwner(ctx)
	if err != nil {
		return nil, err
	}
	u := &soko.PortalUser{MerchantID: sess.User.MerchantID, Email: req.Body.Email, Name: deref(req.Body.Name), Role: soko.PortalRole(req.Body.Role)}
	if _, err := h.store.CreatePortalUser(ctx, u, true); err != nil {
		return nil, err
	}
	return api.InvitePortalUser201JSONResponse(portalUserOut(u)), nil
}

// UpdatePortalUser answers PATCH /portal/users/{user_id}: an owner stops a
// user of the merchant, or lets them sign in again; never themselves.
func (h apiHandlers) UpdatePortalUser(ctx context.Context, req api.UpdatePortalUserRequestObject) (api.UpdatePortalUserResponseObject, error) {
	sess, err := portalOwner(ctx)
	if err != nil {
		return nil, err
	}
	if req.UserId == sess.User.ID {
		return nil, soko.Errorf(soko.ECONFLICT, "you cannot stop your own account").JA("自分のアカウントは停止できません")
	}
	u, err := h.store.SetPortalUserActive(ctx, sess.User.MerchantID, req.UserId, req.Body.Active)
	if err != nil {
		return nil, err
	}
	return api.UpdatePortalUser200JSONResponse(portalUserOut(u)), nil
}
