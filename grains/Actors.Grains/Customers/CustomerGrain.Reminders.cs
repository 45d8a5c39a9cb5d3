namespace Actors.Grains.Customers;

/// <summary>
/// The customer's reminders (<c>reconcile</c>, <c>merge</c>, <c>erasure</c>): each registered once per activation before the work it
/// guards is appended, and removed once that work is done. Registering and removing take turns, so a removal never
/// overtakes a registration.
/// </summary>
public sealed partial class CustomerGrain
{
    private readonly HashSet<string> registeredReminders = new(StringComparer.Ordinal);
    private SemaphoreSlim? reminderTurn;

    private SemaphoreSlim ReminderTurn => reminderTurn ??= new(1, 1);

    private async Task EnsureReminder(string name, TimeSpan dueTime, TimeSpan period)
    {
        if (registeredReminders.Contains(name))
        {
            return;
        }
        await ReminderTurn.WaitAsync();
        try
        {
            if (!registeredReminders.Contains(name))
            {
                await this.RegisterOrUpdateReminder(name, dueTime, period);
                registeredReminders.Add(name);
            }
        }
        finally
        {
            ReminderTurn.Release();
        }
    }

    /// <summary>Removes reminder <paramref name="name"/> when <paramref name="done"/>, judged under the reminders' lock.</summary>
    private async Task DropReminderWhen(string name, Func<bool> done)
    {
        await ReminderTurn.WaitAsync();
        try
        {
            if (done())
            {
                if (await this.GetReminder(name) is { } reminder)
                {
                    await this.UnregisterReminder(reminder);
                }
                registeredReminders.Remove(name);
            }
        }
        finally
        {
            ReminderTurn.Release();
        }
    }

    /// <summary>Removes every reminder of this customer (its rows in the reminder table too): an erased customer needs none.</summary>
    private async Task ForgetReminders()
    {
        await ReminderTurn.WaitAsync();
        try
        {
            foreach (var reminder in await this.GetReminders())
            {
                await this.UnregisterReminder(reminder);
            }
            registeredReminders.Clear();
        }
        finally
        {
            ReminderTurn.Release();
        }
    }
}
