using Google.Protobuf;
using Grpc.Core;

namespace Metrics.Server.Endpoints;

/// <summary>
/// Binds a service's methods so that a request that is not a valid protobuf message of its type (cut short,
/// wrong lengths, invalid UTF-8 in a string field) is answered <c>INVALID_ARGUMENT</c>. grpc-dotnet reads the
/// request before any interceptor runs and answers whatever its deserializer throws with <c>UNKNOWN</c>,
/// logged as an error of the server.
/// </summary>
public sealed class MalformedRequestBinder(ServiceBinderBase binder) : ServiceBinderBase
{
    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        binder.AddMethod(Guarded(method), handler);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        binder.AddMethod(Guarded(method), handler);

    private static Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method)
    {
        var requests = method.RequestMarshaller;
        var guarded = Marshallers.Create(requests.ContextualSerializer, context => Deserialize(requests, context));
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, guarded, method.ResponseMarshaller);
    }

    private static T Deserialize<T>(Marshaller<T> requests, DeserializationContext context)
    {
        try
        {
            return requests.ContextualDeserializer(context);
        }
        catch (InvalidProtocolBufferException)
        {
            // Without the parser's own words, which name its internals (tags, wire types), not the request's fields.
            throw NotAValidMessage(typeof(T).Name);
        }
    }

    /// <summary>The answer to a request whose bytes are not a valid message of <paramref name="type"/>.</summary>
    internal static RpcException NotAValidMessage(string type) => new(new Status(StatusCode.InvalidArgument,
        $"the request is not a valid {type} message (cut short, a wrong length or invalid UTF-8 in a string)"));
}
