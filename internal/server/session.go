package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// sessionStore is what session.go's handlers need of the store.
type sessionStore interface {
	FindStaffByBadge(ctx context.Context, badge string) (*soko.Staff, error)
	ClaimPINAttempt(ctx context.Context, staffID int64, deviceToken string) (*soko.PINAttempt, error)
	SettlePINAttempt(ctx context.Context, a *soko.PINAttempt, right bool, deviceToken string) error
	CreateSession(ctx context.Context, s *soko.Staff, device string) (*soko.Session, string, error)
	FindSession(ctx context.Context, token string) (*soko.Session, error)
	DeleteSession(ctx context.Context, id int64) error
}

// sessionCookie is the staff session's cookie.
const sessionCookie = "soko_session"

// deviceCookie marks a browser a staff member signed in on: from it, their
// badge stays usable while wrong PINs from elsewhere make it wait. Only its
// hash is stored.
const deviceCookie = "soko_device"

// signInKey carries where a sign-in comes from through its context.
type signInKey struct{}

// signInFrom is the client address and device token of a sign-in.
type signInFrom struct{ ip, device string }

// sessionKey carries the staff session through a request's context.
type sessionKey struct{}

// sessionOf returns the signed-in staff member's session.
func sessionOf(ctx context.Context) *soko.Session {
	s, _ := ctx.Value(sessionKey{}).(*soko.Session)
	if s == nil {
		panic("ops handler reached without a staff session")
	}
	return s
}

// allow refuses a staff member whose role may not use menu.
func allow(ctx context.Context, m soko.Menu) (*soko.Session, error) {
	s := sessionOf(ctx)
	if !s.Staff.Role.May(m) {
		return nil, soko.Forbidden(s.Staff.Role, m)
	}
	return s, nil
}

// isSignIn reports whether the request signs in, the one ops call without a session.
func isSignIn(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == opsBase+"/session"
}

// staffSession resolves the session cookie to a signed-in staff member.
func (s *Server) staffSession(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := context.WithValue(r.Context(), langKey{}, language(r))
		r = r.WithContext(ctx)
		if isSignIn(r) {
			return s.guardSignIn(w, r, next)
		}
		cookie, err := r.Cookie(sessionCookie)
		if err != nil || cookie.Value == "" {
			return soko.Errorf(soko.EUNAUTHORIZED, "sign in with your badge").JA("バッジでログインしてください")
		}
		sess, err := s.store.FindSession(ctx, cookie.Value)
		if err != nil {
			return err
		}
		ctx = soko.WithActor(context.WithValue(ctx, sessionKey{}, sess), staffActor(ctx, sess))
		return next(w, r.WithContext(ctx))
	}
}

// guardSignIn counts a sign-in against the per-address and overall limits
// before its PIN is checked, and takes the count back when it succeeds, so
// only wrong PINs and unknown badges use the limits up.
func (s *Server) guardSignIn(w http.ResponseWriter, r *http.Request, next handler) error {
	ctx := r.Context()
	ip := clientIP(ctx)
	limits := s.signInLimits(ip)
	start, err := s.hitLimits(ctx, limits)
	if err != nil {
		if soko.ErrorCode(err) == soko.ETOOMANY {
			s.log.Warn("sign-in rate limited", "ip", ip)
		}
		return err
	}
	from := signInFrom{ip: ip}
	if ck, err := r.Cookie(deviceCookie); err == nil && len(ck.Value) == len(soko.NewToken()) {
		from.device = ck.Value
	} else {
		from.device = soko.NewToken()
	}
	if err := next(w, r.WithContext(context.WithValue(ctx, signInKey{}, from))); err != nil {
		return err
	}
	if answeredStatus(w) == http.StatusOK {
		for _, l := range limits {
			if err := s.store.Unhit(ctx, l.bucket, start); err != nil {
				s.log.Warn("sign-in limit not taken back", "bucket", l.bucket, "err", err)
			}
		}
	}
	return nil
}

// checkCSRF requires the session's token in X-CSRF-Token on every change,
// so another site cannot make a signed-in browser act.
func (s *Server) checkCSRF(next handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(w, r)
		}
		if isSignIn(r) {
			return next(w, r)
		}
		sess := sessionOf(r.Context())
		got := r.Header.Get("X-CSRF-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
			return soko.Errorf(soko.EFORBIDDEN, "missing or wrong CSRF token").JA("画面を読み込み直してください（CSRFトークンが一致しません）")
		}
		return next(w, r)
	}
}

func sessionOut(sess *soko.Session) api.StaffSession {
	out := api.StaffSession{Badge: sess.Staff.BadgeCode, Name: sess.Staff.Name, Role: api.StaffSessionRole(sess.Staff.Role), CsrfToken: sess.CSRFToken}
	for _, m := range sess.Staff.Role.Menus() {
		out.Menus = append(out.Menus, api.StaffSessionMenus(m))
	}
	return out
}

// GetStaffSession answers GET /ops/session.
func (h apiHandlers) GetStaffSession(ctx context.Context, _ api.GetStaffSessionRequestObject) (api.GetStaffSessionResponseObject, error) {
	return api.GetStaffSession200JSONResponse(sessionOut(sessionOf(ctx))), nil
}

// signedIn answers a sign-in with the session and its cookie.
type signedIn struct {
	session api.StaffSession
	cookie  *http.Cookie
	device  *http.Cookie
}

func (r signedIn) VisitSignInResponse(w http.ResponseWriter) error {
	http.SetCookie(w, r.cookie)
	http.SetCookie(w, r.device)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(r.session)
}

// SignIn answers POST /ops/session: a badge and PIN become a session.
func (h apiHandlers) SignIn(ctx context.Context, req api.SignInRequestObject) (api.SignInResponseObject, error) {
	st, err := h.checkBadge(ctx, req.Body.Badge, req.Body.Pin)
	if err != nil {
		return nil, err
	}
	sess, token, err := h.store.CreateSession(ctx, st, deref(req.Body.Device))
	if err != nil {
		return nil, err
	}
	return signedIn{session: sessionOut(sess), cookie: &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: h.secureCookies || viaHTTPS(ctx), Expires: sess.ExpiresAt, MaxAge: int(sess.ExpiresAt.Sub(h.now()).Seconds()),
	}, device: &http.Cookie{
		Name: deviceCookie, Value: signInFromOf(ctx).device, Path: opsBase + "/session", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: h.secureCookies || viaHTTPS(ctx), MaxAge: int(soko.DeviceTrust.Seconds()),
	}}, nil
}

// signInFromOf returns where a sign-in comes from; a supervisor's PIN typed
// to confirm an action comes from no trusted device.
func signInFromOf(ctx context.Context) signInFrom {
	from, _ := ctx.Value(signInKey{}).(signInFrom)
	return from
}

// checkBadge finds the staff member with a badge and PIN, wherever the PIN
// is entered (sign-in or a supervisor's confirmation). A wrong badge and a
// wrong PIN get the same answer; after five wrong PINs in a row the badge
// waits, longer after each further one, except on a device the member
// signed in on. Every refusal is logged with the badge and address, never
// the PIN.
func (h apiHandlers) checkBadge(ctx context.Context, badge, pin string) (*soko.Staff, error) {
	from := signInFromOf(ctx)
	badge = soko.BadgeCode(badge)
	wrong := soko.Errorf(soko.EUNAUTHORIZED, "wrong badge or PIN").JA("バッジまたはPINが違います")
	st, err := h.store.FindStaffByBadge(ctx, badge)
	if soko.ErrorCode(err) == soko.ENOTFOUND || (err == nil && !st.Active) {
		h.log.Warn("sign-in refused: unknown badge", "badge", badge, "ip", from.ip)
		h.countWrongSignIn(ctx, badge, from.ip)
		return nil, wrong
	} else if err != nil {
		return nil, err
	}
	attempt, err := h.store.ClaimPINAttempt(ctx, st.ID, from.device)
	if soko.ErrorCode(err) == soko.ELOCKED {
		h.log.Warn("sign-in refused: badge locked", "badge", badge, "ip", from.ip)
		return nil, err
	} else if err != nil {
		return nil, err
	}
	right := soko.CheckPIN(st.PINHash, pin)
	if err := h.store.SettlePINAttempt(ctx, attempt, right, from.device); err != nil {
		return nil, err
	}
	if right {
		return st, nil
	}
	h.countWrongSignIn(ctx, badge, from.ip)
	if wait := soko.BadgeWait(attempt.Count); wait > 0 && attempt.DeviceID == 0 {
		h.log.Warn("badge locked after wrong PINs", "badge", badge, "ip", from.ip, "wrong_pins", attempt.Count, "wait", wait)
		return nil, soko.BadgeLocked(h.now().Add(wait), h.now())
	}
	h.log.Warn("sign-in refused: wrong PIN", "badge", badge, "ip", from.ip, "trusted_device", attempt.DeviceID != 0)
	return nil, wrong
}

// countWrongSignIn counts a wrong sign-in against the badge and the
// address for the dashboard's alert; failing to count does not change the answer.
func (h apiHandlers) countWrongSignIn(ctx context.Context, badge, ip string) {
	start := h.now().Truncate(soko.GuessWindow)
	for _, bucket := range []string{"wrong-signin:badge:" + badge, "wrong-signin:ip:" + ip} {
		if _, err := h.store.Hit(ctx, bucket, start); err != nil {
			h.log.Warn("wrong sign-in not counted", "bucket", bucket, "err", err)
		}
	}
}

// signedOut answers a sign-out and clears the cookie.
type signedOut struct{ secure bool }

func (r signedOut) VisitSignOutResponse(w http.ResponseWriter) error {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.secure, MaxAge: -1})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// SignOut answers DELETE /ops/session.
func (h apiHandlers) SignOut(ctx context.Context, _ api.SignOutRequestObject) (api.SignOutResponseObject, error) {
	if err := h.store.DeleteSession(ctx, sessionOf(ctx).ID); err != nil {
		return nil, err
	}
	return signedOut{secure: h.secureCookies || viaHTTPS(ctx)}, nil
}
