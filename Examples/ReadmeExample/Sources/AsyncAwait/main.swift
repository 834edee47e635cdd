import EventSelect

let event = try SocketEvent()
let waiter = Task { await event.wait(within: .seconds(30)) }  // true once set; false on timeout or cancel
event.set()
print(await waiter.value)                                      // true

let queue = try MessageQueue()
let reader = Task {
    var count = 0
    for await _ in queue.messages { count += 1 }               // ends when the task is cancelled
    return count
}
reader.cancel()
print(await reader.value)                                      // 0: nothing was posted
