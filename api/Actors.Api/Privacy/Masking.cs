using System.Security.Claims;
using Actors.Api.Auth;
using Actors.Api.Customers;

namespace Actors.Api.Privacy;

/// <summary>
/// How personal data is shown to a reader: whole to the customer and operators, masked to support (name, email,
/// phone, device labels and free text such as descriptions). One place, so the export, the timeline and the as-of
/// views mask alike.
/// </summary>
public sealed class Masking(bool masked)
{
    public const string Hidden = "***";

    public static Masking None { get; } = new(false);

    public bool IsOn => masked;

    public static Masking For(ClaimsPrincipal user) => new(user.SeesMaskedData());

    /// <summary>G***: the first letter, enough to tell two people apart on a call.</summary>
    public string Name(string name) => masked && name.Length > 0 ? $"{name[0]}{Hidden}" : name;

    public string? Email(string? email) => masked ? CustomerView.MaskEmail(email) : email;

    public string? Phone(string? phone) => masked ? CustomerView.MaskPhone(phone) : phone;

    /// <summary>Device labels and free text (descriptions, reasons) can hold anything: support sees that there is some, not what.</summary>
    public string? Text(string? text) => masked && !string.IsNullOrEmpty(text) ? Hidden : text;
}
