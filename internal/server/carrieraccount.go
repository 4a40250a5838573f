package server

import (
	"context"

	"github.com/soko-wms/soko/internal/carrier"
	"github.com/soko-wms/soko/internal/server/api"
	"github.com/soko-wms/soko/internal/soko"
)

// The console's carrier contracts (配送業者契約): the values and options
// of the warehouse's contract with each carrier, and of merchants' own,
// that the carriers' files need (carrier.AccountFields).

func carrierAccountOut(a *soko.CarrierAccount, merchants map[int64]string) api.AdminCarrierAccount {
	out := api.AdminCarrierAccount{Carrier: a.Carrier, BillingCode: a.BillingCode, BillingClass: a.BillingClass,
		FreightNumber: a.FreightNumber, SixSlots: a.SixSlots, UpdatedAt: a.UpdatedAt}
	if a.MerchantID != 0 {
		name := merchants[a.MerchantID]
		out.MerchantId, out.MerchantName = &a.MerchantID, &name
	}
	return out
}

// ListAdminCarrierAccounts answers GET /ops/admin/carrier-accounts.
func (h apiHandlers) ListAdminCarrierAccounts(ctx context.Context, _ api.ListAdminCarrierAccountsRequestObject) (api.ListAdminCarrierAccountsResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	accounts, err := h.store.CarrierAccounts(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := h.store.ListMerchants(ctx)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	lang := langOf(ctx)
	out := api.AdminCarrierAccountList{Data: make([]api.AdminCarrierAccount, len(accounts)), Carriers: []api.AdminCarrierFields{}}
	for i := range accounts {
		out.Data[i] = carrierAccountOut(&accounts[i], names)
	}
	for _, c := range carrier.All() {
		fields := carrier.AccountFields(c.Code)
		if len(fields) == 0 {
			continue
		}
		cf := api.AdminCarrierFields{Carrier: c.Code, Name: c.Name.In(lang)}
		for _, f := range fields {
			cf.Fields = append(cf.Fields, api.AdminCarrierField{Format: f.FormatHint.In(lang), Key: api.AdminCarrierFieldKey(f.Key),
				Name: f.Name.In(lang), Option: f.Option, Required: f.Required})
		}
		out.Carriers = append(out.Carriers, cf)
	}
	return api.ListAdminCarrierAccounts200JSONResponse(out), nil
}

// PutAdminCarrierAccount answers PUT /ops/admin/carrier-accounts/{carrier}.
func (h apiHandlers) PutAdminCarrierAccount(ctx context.Context, req api.PutAdminCarrierAccountRequestObject) (api.PutAdminCarrierAccountResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	in := req.Body
	a := &soko.CarrierAccount{Carrier: string(req.Carrier), MerchantID: deref(in.MerchantId),
		BillingCode: deref(in.BillingCode), BillingClass: deref(in.BillingClass), FreightNumber: deref(in.FreightNumber), SixSlots: deref(in.SixSlots)}
	if ps := carrier.CheckAccount(a); len(ps) > 0 {
		lang := langOf(ctx)
		bad := soko.Errorf(soko.EINVALID, "the carrier account cannot be saved").JA("配送業者契約の内容に誤りがあります")
		for _, p := range ps {
			bad.WithField(p.Field, p.Message.In(lang))
		}
		return nil, bad
	}
	if err := h.store.SaveCarrierAccount(ctx, a); err != nil {
		return nil, err
	}
	names := map[int64]string{}
	if a.MerchantID != 0 {
		m, err := h.store.MerchantByID(ctx, a.MerchantID)
		if err != nil {
			return nil, err
		}
		names[m.ID] = m.Name
	}
	return api.PutAdminCarrierAccount200JSONResponse(carrierAccountOut(a, names)), nil
}

// DeleteAdminCarrierAccount answers DELETE /ops/admin/carrier-accounts/{carrier}.
func (h apiHandlers) DeleteAdminCarrierAccount(ctx context.Context, req api.DeleteAdminCarrierAccountRequestObject) (api.DeleteAdminCarrierAccountResponseObject, error) {
	if _, err := allow(ctx, soko.MenuAdmin); err != nil {
		return nil, err
	}
	if err := h.store.DeleteCarrierAccount(ctx, string(req.Carrier), deref(req.Params.MerchantId)); err != nil {
		return nil, err
	}
	return api.DeleteAdminCarrierAccount204Response{}, nil
}
