package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// sessionCookie is the staff session's cookie.
const sessionCookie = "soko_session"

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
func isSignIn(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Request().URL.Path == opsBase+"/session"
}

// staffSession resolves the session cookie to a signed-in staff member.
func (s *Server) staffSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := context.WithValue(c.Request().Context(), langKey{}, language(c))
		c.SetRequest(c.Request().WithContext(ctx))
		if isSignIn(c) {
			return next(c)
		}
		cookie, err := c.Cookie(sessionCookie)
		if err != nil || cookie.Value == "" {
			return soko.Errorf(soko.EUNAUTHORIZED, "sign in with your badge").JA("バッジでログインしてください")
		}
		sess, err := s.store.FindSession(ctx, cookie.Value)
		if err != nil {
			return err
		}
		ctx = soko.WithActor(context.WithValue(ctx, sessionKey{}, sess), staffActor(c, sess))
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// checkCSRF requires the session's token in X-CSRF-Token on every change,
// so another site cannot make a signed-in browser act.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if isSignIn(c) {
			return next(c)
		}
		sess := sessionOf(c.Request().Context())
		got := c.Request().Header.Get("X-CSRF-Token")
		if subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
			return soko.Errorf(soko.EFORBIDDEN, "missing or wrong CSRF token").JA("画面を読み込み直してください（CSRFトークンが一致しません）")
		}
		return next(c)
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
}

func (r signedIn) VisitSignInResponse(w http.ResponseWriter) error {
	http.SetCookie(w, r.cookie)
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
	}}, nil
}

// checkBadge finds the staff member with a badge and PIN. A wrong badge
// and a wrong PIN get the same answer, and five wrong PINs in a row lock the
// badge for a while, wherever the PIN is entered (sign-in or a supervisor's
// confirmation).
func (h apiHandlers) checkBadge(ctx context.Context, badge, pin string) (*soko.Staff, error) {
	wrong := soko.Errorf(soko.EUNAUTHORIZED, "wrong badge or PIN").JA("バッジまたはPINが違います")
	st, err := h.store.FindStaffByBadge(ctx, strings.ToUpper(strings.TrimSpace(badge)))
	if soko.ErrorCode(err) == soko.ENOTFOUND || (err == nil && !st.Active) {
		return nil, wrong
	} else if err != nil {
		return nil, err
	}
	now := h.now()
	if now.Before(st.LockedUntil) {
		mins := int(st.LockedUntil.Sub(now).Minutes()) + 1
		return nil, soko.Errorf(soko.ELOCKED, "badge locked after wrong PINs; try again in %d min", mins).
			JA("PINを続けて間違えたため、このバッジはロック中です。%d分後に再度お試しください", mins)
	}
	if !soko.CheckPIN(st.PINHash, pin) {
		locked, err := h.store.RecordWrongPIN(ctx, st.ID, now.Add(soko.BadgeLockout))
		if err != nil {
			return nil, err
		}
		if locked {
			return nil, soko.Errorf(soko.ELOCKED, "badge locked after %d wrong PINs", soko.MaxWrongPINs).
				JA("PINを%d回間違えたため、このバッジを%d分間ロックしました", soko.MaxWrongPINs, int(soko.BadgeLockout.Minutes()))
		}
		return nil, wrong
	}
	return st, nil
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
